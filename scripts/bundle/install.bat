@echo off
rem Install survey @VERSION@ from this bundle, with no internet: runs install.ps1 with
rem PowerShell (part of Windows 10 and 11). Double-click it, or: install.bat [-Target FOLDER]
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0install.ps1" %*
set status=%errorlevel%
pause
exit /b %status%
