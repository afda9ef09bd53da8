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
# What the builds and apps started here leave in the temp folder (the SDK's empty folders,
# MSBuild's, the runtime's sockets) goes into the work folder and is removed with it: one
# demo run left 16 empty folders in /tmp.
mkdir -p "$work/tmp"
export TMPDIR="$work/tmp"

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

echo
echo "== CI check: dotnet build -t:VerifyCacheInvalidation on the workspace with the package"
dotnet build "$work/with/App" -t:VerifyCacheInvalidation -nologo -tl:off "-p:IwTestPackageVersion=$version" > "$work/verify.log" 2>&1 \
  || { cat "$work/verify.log"; exit 1; }
grep -E "IncrementalWatch verify" "$work/verify.log" | sed 's/^ */   /'

# --- Watch: dotnet build -t:Watch on the WebApp test asset, on a free port of 127.0.0.1 ---
echo
echo "== dotnet build -t:Watch on testassets/WebApp"
mkdir -p "$work/webapp"
(cd "$root/testassets/WebApp" && tar --exclude=bin --exclude=obj -cf - .) | tar -xf - -C "$work/webapp"
cp "$work/with/nuget.config" "$work/webapp/nuget.config"
port=5199 # the first port from 5199 up that nothing answers on
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
sed -i "s/127.0.0.1:5199/127.0.0.1:$port/" "$work/webapp/Properties/launchSettings.json"
(cd "$work/webapp" && exec dotnet build -t:Watch -nologo -tl:off "-p:IwTestPackageVersion=$version") > "$work/watch.log" 2>&1 &
watch_pid=$!
stop_watch() { # SIGTERM to the host (its pid from the JSON app record): it stops the app gracefully and exits
  local host; host="$(sed -n 's/.*"hostPid": *\([0-9]*\).*/\1/p' "$work/webapp/obj/IncrementalWatch/app.pid" 2>/dev/null || true)"
  [[ -n "$host" ]] && kill -TERM "$host" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$watch_pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$watch_pid" 2>/dev/null || true
}
trap 'stop_watch; rm -rf "$work"' EXIT
wait_for() { # text: poll the app (bounded: 3 minutes)
  for _ in $(seq 1 900); do
    answer="$(curl -s -m 2 "http://127.0.0.1:$port/" || true)"
    [[ "$answer" == *"$1"* ]] && { echo "   GET / -> $answer"; return 0; }
    sleep 0.2
  done
  cat "$work/watch.log"; echo "the app never answered '$1'"; exit 1
}
wait_for "hello v1"
echo "== editing Greeting.cs (v1 -> v2) while the app runs"
sed -i 's/hello v1/hello v2/' "$work/webapp/Greeting.cs"
wait_for "hello v2"
stop_watch
echo "== the watch's own lines:"
grep "^watch:" "$work/watch.log" | sed 's/^/   /'
if curl -s -m 2 "http://127.0.0.1:$port/" > /dev/null; then echo "port $port is still served after stopping"; exit 1; fi
echo "   after stopping, port $port is free and no app process is left."
