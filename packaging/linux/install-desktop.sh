#!/bin/sh
# Puts Horus in the desktop's application menu and registers it for horus:// links.
#   ./install-desktop.sh              for this user (~/.local/share, ~/.local/bin)
#   sudo ./install-desktop.sh         for every user of the machine (/usr/local/share, /usr/local/bin)
#   ./install-desktop.sh --uninstall  undoes it (same scope rules)
# XDG_DATA_HOME and HORUS_BIN_DIR choose other folders for the menu entry and icons, and for the command.
# It writes the desktop entry with the absolute path of the horus program beside this script, the icons
# in the hicolor sizes, and a `horus` command on PATH; the app folder itself stays where it was unpacked.
set -eu
app_dir="$(cd "$(dirname "$0")" && pwd)"
exe="$app_dir/horus"
if [ "$(id -u)" = 0 ]; then
    data="${XDG_DATA_HOME:-/usr/local/share}" bin="${HORUS_BIN_DIR:-/usr/local/bin}"
else
    data="${XDG_DATA_HOME:-$HOME/.local/share}" bin="${HORUS_BIN_DIR:-$HOME/.local/bin}"
fi
entry="$data/applications/horus.desktop"
sizes="16 24 32 48 64 128 256 512"

refresh() {
    command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$entry"
    for size in $sizes; do rm -f "$data/icons/hicolor/${size}x${size}/apps/horus.png"; done
    [ "$(readlink "$bin/horus" 2>/dev/null)" = "$exe" ] && rm -f "$bin/horus"
    refresh
    echo "removed Horus from the menu ($entry)"
    exit 0
fi

[ -x "$exe" ] || { echo "install-desktop.sh: no horus program beside this script ($exe)" >&2; exit 1; }
mkdir -p "$data/applications" "$bin"
for size in $sizes; do
    mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
    cp "$app_dir/share/icons/horus-$size.png" "$data/icons/hicolor/${size}x${size}/apps/horus.png"
done
# Exec and TryExec name the program by absolute path, quoted as the desktop entry spec asks.
sed -e "s|^Exec=horus|Exec=\"$exe\"|" -e "s|^TryExec=horus|TryExec=$exe|" \
    "$app_dir/share/applications/horus.desktop" >"$entry"
ln -sf "$exe" "$bin/horus"
command -v xdg-mime >/dev/null 2>&1 && xdg-mime default horus.desktop x-scheme-handler/horus || true
refresh
echo "Horus is in the menu ($entry); horus:// links open it; the horus command is $bin/horus"
