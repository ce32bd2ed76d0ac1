#!/bin/sh
# Cài survey @VERSION@ từ gói này, không cần Internet: tạo một môi trường ảo Python rồi cài các
# gói có sẵn trong wheels/ (pip --no-index: không mạng nào được dùng đến).
#
#   sh install.sh [THƯ_MỤC]     mặc định: venv/ cạnh tệp này
#
# Install survey @VERSION@ from this bundle with no internet: a Python virtual environment, then
# the wheels in wheels/ (pip --no-index). PYTHON=/path/to/python3.12 chooses the interpreter.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target=${1:-"$here/venv"}

supported() {
    "$1" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' 2>/dev/null
}

python=${PYTHON:-}
if [ -z "$python" ]; then
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && supported "$candidate"; then
            python=$candidate
            break
        fi
    done
fi
if [ -z "$python" ] || ! supported "$python"; then
    echo "Không tìm thấy Python 3.11, 3.12 hoặc 3.13: hãy cài một trong các phiên bản đó" >&2
    echo "(hoặc chỉ rõ: PYTHON=/đường/dẫn/python3.12 sh install.sh)." >&2
    exit 1
fi

echo "Tạo môi trường ảo $target bằng $("$python" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
if ! "$python" -m venv "$target"; then
    echo "Không tạo được môi trường ảo. Trên Debian/Ubuntu cần gói python3-venv" >&2
    echo "(apt-get install python3-venv, có trên đĩa cài đặt của hệ điều hành)." >&2
    exit 1
fi

echo "Cài survey @VERSION@ và các gói phụ thuộc từ $here/wheels (không dùng mạng)"
"$target/bin/python" -m pip install --isolated --disable-pip-version-check --quiet \
    --no-index --find-links "$here/wheels" --constraint "$here/constraints.txt" \
    "survey==@VERSION@"
"$target/bin/survey" --help >/dev/null

echo
echo "Đã cài xong. Chạy máy chủ:"
echo "  $target/bin/survey serve"
echo "Dữ liệu (cơ sở dữ liệu SQLite, khóa bí mật) nằm trong $target/var/survey-instance,"
echo "trừ khi đặt biến SURVEY_INSTANCE_PATH."
