@echo off
rem Start survey from the virtual environment that install.bat made (venv beside this file).
rem Extra arguments go to "survey serve", e.g. start.bat --port 8080
chcp 65001 >nul
if not exist "%~dp0venv\Scripts\survey.exe" (
    echo Chua cai dat: hay chay install.bat truoc. / Not installed yet: run install.bat first.
    pause
    exit /b 1
)
"%~dp0venv\Scripts\survey.exe" serve %*
pause
