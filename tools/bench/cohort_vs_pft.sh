#!/usr/bin/env bash
# Cohort reference values, side by side in one run: `odyospiro spiro predict --input/--output`
# (whole process: read the CSV, compute, write the CSV) against the R package pft
# (pft_spirometry, in memory: the CSV is read before its clock starts) on the same N subjects,
# for GLI-2012 and GLI Global 2022. Prints both figures and the ratios (issue 17: ≥ 20×), of wall
# time and of CPU time (user + system; on a shared machine wall time mostly measures the others'
# load, and our command uses every core while pft uses one).
#
#   tools/bench/cohort_vs_pft.sh [N=1000000] [build dir=build/release]
# Needs R with pft (../shared/peers/setup_pft.sh) and a release build. Figures: docs/performance.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-1000000}
build=${2:-$here/build/release}
exe=${ODYOSPIRO:-$build/station/odyospiro}
[ -x "$exe" ] || { echo "no $exe: build the release preset first" >&2; exit 2; }
Rscript -e 'suppressMessages(library(pft))' 2>/dev/null ||
  { echo "R package pft missing: run ../shared/peers/setup_pft.sh" >&2; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
in=$work/cohort.csv
Rscript "$here/tools/pft/pft_cohort.R" generate "$n" 17 "$in"
echo "cohort: $n subjects, $(du -m "$in" | cut -f1) MB ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
cat "$in" >/dev/null  # page cache warm for both
for eq in gli2012 gli-global-2022; do
  year=2012; [ "$eq" = gli-global-2022 ] && year=2022
  # Ours: best of 3 whole-process runs (wall, user+sys CPU).
  best=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %U %S" -o "$work/t" "$exe" --config "$here/config/station.toml" \
      spiro predict --equation "$eq" --input "$in" --output "$work/out.csv" >/dev/null 2>&1
    read -r wall user sys <"$work/t"
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN{exit !(a<b)}'; then
      best=$wall; cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')
    fi
  done
  out_mb=$(du -m "$work/out.csv" | cut -f1)
  pft=$(Rscript "$here/tools/pft/pft_cohort.R" time "$in" "$year")
  pft_s=$(sed -E 's/.* seconds=([0-9.]+).*/\1/' <<<"$pft")
  pft_cpu=$(sed -E 's/.*cpu_seconds=([0-9.]+).*/\1/' <<<"$pft")
  awk -v eq="$eq" -v n="$n" -v o="$best" -v c="$cpu" -v p="$pft_s" -v pc="$pft_cpu" -v mb="$out_mb" 'BEGIN{
    printf "%-16s odyospiro %.3f s wall, %.2f s CPU (%.2f M/s wall, CSV in and out, %d MB out) | pft %.3f s wall, %.2f s CPU (%.2f M/s wall, in memory) | ratio %.1fx wall, %.1fx CPU\n",
      eq, o, c, n/o/1e6, mb, p, pc, n/p/1e6, p/o, pc/c }'
done
