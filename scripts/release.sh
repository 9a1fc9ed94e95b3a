#!/usr/bin/env bash
# Registry release artefacts and an unpacked filesystem mirror for one provider binary.
#
#   scripts/release.sh BINARY OUTDIR
#
# Writes into OUTDIR (created if missing; files of the same names are replaced):
#
#   terraform-provider-panorama_VERSION_OS_ARCH.zip    one entry, terraform-provider-panorama_vVERSION, mode 0755
#   terraform-provider-panorama_VERSION_SHA256SUMS     sha256sum format: the zip and the manifest, sorted by name
#   terraform-provider-panorama_VERSION_manifest.json  copy of terraform-registry-manifest.json
#   mirror/registry.terraform.io/flowmatrix/panorama/VERSION/OS_ARCH/terraform-provider-panorama_vVERSION
#
# `mirror/` is the unpacked layout a CLI configuration's `filesystem_mirror { path = ... }`
# can point at. VERSION comes from Cargo.toml.
#
# OS_ARCH is the host's (uname, as in the Makefile: linux_amd64 on the build machines):
# BINARY must be built for the host, which `make build` does; there is no cross-building.
# On Linux a BINARY that is not an ELF executable for the host's architecture is refused,
# so a cross-compiled binary never ships under the wrong platform name.
#
# The zip is reproducible: same BINARY, same bytes (fixed 1980-01-01 timestamp, no extra
# fields, fixed compression level; byte-identical as long as Python's zlib is the same).
set -euo pipefail

usage() { echo "usage: $0 BINARY OUTDIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
BIN=$1
OUT=$2
[[ -f $BIN && -x $BIN ]] || { echo "$0: $BIN is not an executable file (run \`make build\` first)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "$0: python3 is not on PATH" >&2; exit 2; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAME=terraform-provider-panorama
SOURCE=registry.terraform.io/flowmatrix/panorama
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' "$REPO/Cargo.toml" | head -n 1)
[[ -n $VERSION ]] || { echo "$0: no version in $REPO/Cargo.toml" >&2; exit 1; }
case "$(uname -m)" in x86_64) ARCH=amd64 ;; aarch64) ARCH=arm64 ;; *) ARCH=$(uname -m) ;; esac
OS_ARCH=$(uname -s | tr 'A-Z' 'a-z')_$ARCH

ZIP=${NAME}_${VERSION}_${OS_ARCH}.zip
SUMS=${NAME}_${VERSION}_SHA256SUMS
MANIFEST=${NAME}_${VERSION}_manifest.json
ENTRY=${NAME}_v${VERSION}
MIRROR_DIR=mirror/$SOURCE/$VERSION/$OS_ARCH

# Before writing anything: on Linux, BINARY must be an ELF executable for the host's
# architecture (ELF e_machine, a little-endian u16 at offset 18: 62 x86-64, 183 AArch64).
python3 - "$BIN" "$OS_ARCH" <<'PY'
import sys

binary, os_arch = sys.argv[1:]
os_name, arch = os_arch.split("_", 1)
with open(binary, "rb") as f:
    header = f.read(20)
expected = {"amd64": 62, "arm64": 183}.get(arch)
if os_name == "linux" and expected is not None:
    if header[:4] != b"\x7fELF" or int.from_bytes(header[18:20], "little") != expected:
        sys.exit(f"release: {binary} is not a Linux {arch} executable; build it on {os_arch}"
                 " (make build) and run the release there")
PY

mkdir -p "$OUT/$MIRROR_DIR"
cp "$REPO/terraform-registry-manifest.json" "$OUT/$MANIFEST"
# Copy under a temporary name and rename, so a running provider from an earlier mirror
# is never overwritten in place.
cp "$BIN" "$OUT/$MIRROR_DIR/.$ENTRY.tmp"
chmod 0755 "$OUT/$MIRROR_DIR/.$ENTRY.tmp"
mv -f "$OUT/$MIRROR_DIR/.$ENTRY.tmp" "$OUT/$MIRROR_DIR/$ENTRY"

python3 - "$BIN" "$OUT" "$ZIP" "$ENTRY" "$SUMS" "$MANIFEST" <<'PY'
import hashlib, os, sys, zipfile

binary, out, zip_name, entry, sums_name, manifest_name = sys.argv[1:]
data = open(binary, "rb").read()

info = zipfile.ZipInfo(entry, date_time=(1980, 1, 1, 0, 0, 0))
info.create_system = 3                  # Unix: unzip and Terraform honour the mode below
info.external_attr = 0o100755 << 16     # regular file, rwxr-xr-x
info.compress_type = zipfile.ZIP_DEFLATED
tmp = os.path.join(out, f".{zip_name}.tmp")
with zipfile.ZipFile(tmp, "w") as archive:
    archive.writestr(info, data, compresslevel=9)
os.replace(tmp, os.path.join(out, zip_name))

def sha256(name):
    with open(os.path.join(out, name), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()

lines = "".join(f"{sha256(name)}  {name}\n" for name in sorted([zip_name, manifest_name]))
with open(os.path.join(out, sums_name), "w") as f:
    f.write(lines)
PY

echo "$NAME $VERSION for $OS_ARCH in $OUT:"
for file in "$ZIP" "$SUMS" "$MANIFEST" "$MIRROR_DIR/$ENTRY"; do
  echo "  $OUT/$file"
done
echo "$SUMS:"
sed 's/^/  /' "$OUT/$SUMS"
