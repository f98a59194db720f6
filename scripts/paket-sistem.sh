#!/usr/bin/env bash
# Debian packages kinerja_web needs: WeasyPrint's libraries (with HarfBuzz subsetting, without
# which every PDF is >10x slower), libcairo2 for CairoSVG (an SVG logo is drawn as PNG at
# upload) and a font family; for `make test` also Chromium for the browser tests. Installs
# what is missing when it can (root or sudo), else prints the command.
set -euo pipefail
paket=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libcairo2 fonts-dejavu-core)
if [ "${1:-}" = "test" ]; then
  paket+=(chromium poppler-utils)
fi
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Peringatan: bukan sistem Debian/Ubuntu; pastikan pustaka WeasyPrint (Pango, HarfBuzz" \
       "dengan subset) dan Chromium terpasang." >&2
  exit 0
fi
kurang=()
for p in "${paket[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || kurang+=("$p")
done
[ ${#kurang[@]} -eq 0 ] && exit 0
perintah="apt-get install -y --no-install-recommends ${kurang[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo"
else
  echo "Paket sistem belum terpasang: ${kurang[*]}" >&2
  echo "Jalankan sebagai root:  sudo apt-get update && sudo $perintah" >&2
  exit 1
fi
echo "Memasang paket sistem: ${kurang[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo $perintah -qq
