#!/usr/bin/env bash
# The main job: packs IncrementalWatch into artifacts/packages, then shows on the test-asset
# workspace (App -> Lib) what the package fixes. The same edit -- new content in App/Code.cs
# and Lib/lib-data.txt with their timestamps set an hour back, as cp -p, rsync -a or a cache
# restore leave them -- is rebuilt without and with the package, and each program is run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
feed="$root/artifacts/packages"
work="$(mktemp -d "${TMPDIR:-/tmp}/incrementalwatch-demo.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "== packing IncrementalWatch into $feed"
dotnet pack "$root/IncrementalWatch.sln" -c Release -o "$feed" -nologo -tl:off -v:q
package="$(ls -t "$feed"/IncrementalWatch.*.nupkg | head -n 1)"
version="$(basename "$package" .nupkg)"; version="${version#IncrementalWatch.}"
echo "   $package"

# A private package folder: a re-packed version of the same number is never served stale
# from the machine's global NuGet cache.
export NUGET_PACKAGES="$work/nuget-packages"

build() { # variant, extra args...
  local variant="$1"; shift
  local props=()
  [[ "$variant" == with ]] && props=("-p:IwTestPackageVersion=$version")
  dotnet build "$work/$variant/App" -nologo -tl:off -v:n "${props[@]}" "$@" > "$work/$variant.log" 2>&1 \
    || { cat "$work/$variant.log"; exit 1; }
}

for variant in without with; do
  mkdir -p "$work/$variant"
  (cd "$root/testassets/Workspace" && tar --exclude=bin --exclude=obj -cf - .) | tar -xf - -C "$work/$variant"
  cat > "$work/$variant/nuget.config" <<XML
<configuration><packageSources><add key="incrementalwatch-local" value="$feed" /></packageSources></configuration>
XML
  echo "== first build, $variant the package"
  build "$variant"
done

echo "== editing App/Code.cs and Lib/lib-data.txt with timestamps one hour older (as cp -p would)"
for variant in without with; do
  for file in App/Code.cs Lib/lib-data.txt; do
    path="$work/$variant/$file"; old="$(date -r "$path" +%s)"
    sed -i 's/ v1/ v2-edited/' "$path"
    touch -d "@$((old - 3600))" "$path"
  done
done

for variant in without with; do
  echo
  echo "== rebuild $variant the package"
  build "$variant"
  grep -oE "IW[0-9]{4}: .*" "$work/$variant.log" | sed 's/ \[.*\]$//; s/^/   /' || true
  echo "   the program now prints:"
  dotnet "$work/$variant/App/bin/Debug/net10.0/App.dll" | grep -E "^(app-code|lib-copy)=" | sed 's/^/     /'
done
echo
echo "Without the package the build hands back the old program (v1); with it, the edit (v2-edited)."
