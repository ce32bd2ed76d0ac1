# Cài survey @VERSION@ từ gói này trên Windows, không cần Internet: tạo một môi trường ảo Python
# rồi cài các gói có sẵn trong wheels\ (pip --no-index: không mạng nào được dùng đến).
# Chạy bằng install.bat (nhấp đúp), hoặc:
#   powershell -ExecutionPolicy Bypass -File install.ps1 [-Target THƯ_MỤC]
#
# Install survey @VERSION@ from this bundle on Windows with no internet. Run install.bat.
param([string]$Target = (Join-Path $PSScriptRoot "venv"))

$ErrorActionPreference = "Stop"
[Console]::OutputEncoding = [System.Text.Encoding]::UTF8

function Test-Supported([string]$Exe, [string[]]$Prefix) {
    try {
        & $Exe @Prefix -c "import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))" 2>$null | Out-Null
        return $LASTEXITCODE -eq 0
    } catch {
        return $false
    }
}

$exe = $null
$prefix = @()
if (Get-Command py -ErrorAction SilentlyContinue) {
    foreach ($version in "3.13", "3.12", "3.11") {
        if (Test-Supported "py" @("-$version")) { $exe = "py"; $prefix = @("-$version"); break }
    }
}
if (-not $exe -and (Get-Command python -ErrorAction SilentlyContinue)) {
    if (Test-Supported "python" @()) { $exe = "python" }
}
if (-not $exe) {
    Write-Host "Không tìm thấy Python 3.11, 3.12 hoặc 3.13 (64-bit). Hãy cài một trong các phiên bản đó"
    Write-Host "từ bộ cài python-3.x-amd64.exe (chọn 'Add python.exe to PATH'), rồi chạy lại install.bat."
    exit 1
}

Write-Host "Tạo môi trường ảo $Target"
& $exe @prefix -m venv $Target
if ($LASTEXITCODE -ne 0) { Write-Host "Không tạo được môi trường ảo."; exit 1 }

$python = Join-Path $Target "Scripts\python.exe"
$wheels = Join-Path $PSScriptRoot "wheels"
$constraints = Join-Path $PSScriptRoot "constraints.txt"
Write-Host "Cài survey @VERSION@ và các gói phụ thuộc từ $wheels (không dùng mạng)"
& $python -m pip install --isolated --disable-pip-version-check --quiet --no-index `
    --find-links $wheels --constraint $constraints "survey==@VERSION@"
if ($LASTEXITCODE -ne 0) { Write-Host "Cài đặt không thành công (xem thông báo ở trên)."; exit 1 }

$survey = Join-Path $Target "Scripts\survey.exe"
Write-Host ""
Write-Host "Đã cài xong. Chạy máy chủ bằng start.bat, hoặc:"
Write-Host "  `"$survey`" serve"
Write-Host "Dữ liệu (cơ sở dữ liệu SQLite, khóa bí mật) nằm trong $(Join-Path $Target 'var\survey-instance'),"
Write-Host "trừ khi đặt biến SURVEY_INSTANCE_PATH."
Write-Host "Lần đầu chạy, Windows hỏi có cho python.exe nhận kết nối không: chọn Cho phép (Allow) cho"
Write-Host "mạng Private. Hoặc mở cổng 8000 (PowerShell chạy với quyền Administrator):"
Write-Host "  New-NetFirewallRule -DisplayName survey -Direction Inbound -Protocol TCP -LocalPort 8000 -Action Allow -Profile Private"
