#!/bin/bash
# Paired whole-run comparison of chapter 5's pretraining run (section 5.2: GPT-2 124M, context
# 256, the-verdict, 10 epochs, evaluations every 5 steps, a greedy sample per epoch, the final
# top-k sample): ScratchLLM's main job against the book's code in PyTorch
# (scripts/torch_ch05_run.py), N pairs, alternating which program goes first. For each run it
# records the phase times both programs print (training steps, evaluations, samples), the wall
# time and peak resident memory of the whole process (/usr/bin/time -v), checks that both print
# the same evaluation lines, and ends with a table of medians and ratios (ours ÷ PyTorch).
#
# PyTorch's footing (see docs/ch05.md and issue 20): Debian's /usr/bin/python3 with python3-torch,
# OpenBLAS's OpenMP build (checked: the script stops if torch does not report it), the AVX-512
# kernel (OPENBLAS_CORETYPE=SkylakeX, OPENBLAS_L2_SIZE unset), 2 threads, and glibc's allocator
# on transparent huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1: malloc asks for them with
# madvise, as our JVM does with -XX:+UseTransparentHugePages, on a kernel whose THP mode is
# "madvise") and told to keep freed memory (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_,
# MALLOC_TOP_PAD_), which made its step fastest (session 12: AdamW's step 0.17-0.39 s against
# 0.85-1.9 s without huge pages, whole step 2.07-2.13 s at best against 3.37-3.46 s).
# --torch-malloc keep drops the huge pages (the footing before session 12); default drops both.
# Ours: the pom's flags for the main job (G1 with 1 MB regions and a fixed 85 % marking threshold, a fixed heap on transparent huge
# pages, the Vector API), 2 threads, with the heap sized for this run: 4608 MiB (--heap), which
# it needs (4 GiB runs out of memory at the end) and which keeps its peak resident memory below
# PyTorch's. (The pom's 8 GB default is for the larger jobs: GPT-2 medium fine-tuning, DPO.)
#
# It measures and compares; it asserts nothing about speed. Run it on a quiet machine.
#
# Usage: scripts/bench_train_vs_torch.sh [--pairs N] [--epochs E] [--out DIR] [--no-build] [--heap SIZE]
#                                        [--torch-malloc tuned|keep|default] [--coretype TYPE]
#   --pairs N       number of pairs (default 4)
#   --epochs E      epochs of both runs (default 10, the book's; fewer for a quick try)
#   --out DIR       where logs go (default runs/bench_train_vs_torch/<UTC time>)
#   --no-build      skip "mvn -q compile"
#   --coretype T    OPENBLAS_CORETYPE for PyTorch (default SkylakeX)
#   --heap SIZE     our fixed heap, -Xms and -Xmx (default 4608m)
# Needs SCRATCHLLM_DATA (the folder with the-verdict.txt and gpt2/encoder.json), a JDK 21+
# (found by scripts/java21), Maven, /usr/bin/python3 with torch, and /usr/bin/time.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PAIRS=4
EPOCHS=10
OUT=""
BUILD=1
TORCH_MALLOC=tuned
CORETYPE=SkylakeX
HEAP=4608m
while [ $# -gt 0 ]; do
  case "$1" in
    --pairs) PAIRS="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --torch-malloc) TORCH_MALLOC="$2"; shift 2 ;;
    --coretype) CORETYPE="$2"; shift 2 ;;
    --heap) HEAP="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_train_vs_torch: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
: "${SCRATCHLLM_DATA:?set SCRATCHLLM_DATA to the folder with the-verdict.txt and gpt2/encoder.json}"
[ -f "$SCRATCHLLM_DATA/the-verdict.txt" ] || { echo "bench_train_vs_torch: no the-verdict.txt in SCRATCHLLM_DATA" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench_train_vs_torch: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
[ -n "$OUT" ] || OUT="$ROOT/runs/bench_train_vs_torch/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
cd "$ROOT"
if [ "$BUILD" = 1 ]; then mvn -q compile; fi
# A private copy of the classes: a build started elsewhere during the hour-long run cannot pull
# class files from under the running JVM.
rm -rf "$OUT/classes"
cp -r target/classes "$OUT/classes"

# Token ids for the PyTorch run, written once by our tokenizer (byte-identical to tiktoken's gpt2).
IDS="$OUT/verdict_ids.json"
[ -f "$IDS" ] || scripts/java21 -cp "$OUT/classes" scripts/DumpVerdictIds.java "$SCRATCHLLM_DATA/the-verdict.txt" "$IDS" > /dev/null

TORCH_ENV=(env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="$CORETYPE" OMP_NUM_THREADS=2)
case "$TORCH_MALLOC" in
  tuned) TORCH_ENV+=(GLIBC_TUNABLES=glibc.malloc.hugetlb=1
                     MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=17179869184 MALLOC_TOP_PAD_=1073741824) ;;
  keep) TORCH_ENV+=(MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=17179869184 MALLOC_TOP_PAD_=1073741824) ;;
  default) ;;
  *) echo "bench_train_vs_torch: --torch-malloc takes tuned, keep or default" >&2; exit 2 ;;
esac
echo "transparent huge pages: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo unknown);" \
     "PyTorch's allocator settings: $TORCH_MALLOC" | tee "$OUT/footing.txt"
JAVA_FLAGS=(--add-modules jdk.incubator.vector -XX:+UseG1GC -XX:G1HeapRegionSize=1m -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=85 "-Xms$HEAP" "-Xmx$HEAP" -XX:+UseTransparentHugePages)

# PyTorch's footing, checked before any timing: OpenBLAS's OpenMP build and the core it uses.
"${TORCH_ENV[@]}" /usr/bin/python3 scripts/torch_ch05_run.py --blas-check --threads 2 > "$OUT/torch_blas_check.log" 2>&1
cat "$OUT/torch_blas_check.log"
grep -qi 'openmp' "$OUT/torch_blas_check.log" || {
  echo "bench_train_vs_torch: torch does not report OpenBLAS's OpenMP build (see $OUT/torch_blas_check.log);" \
       "select it with update-alternatives (libblas.so.3) or the ratio compares against a straw man" >&2; exit 1; }

run_java() { # $1: log file
  local dir="$OUT/java_ckpt"
  rm -rf "$dir"
  /usr/bin/time -v -o "$1.time" scripts/java21 "${JAVA_FLAGS[@]}" -cp "$OUT/classes" dev.scratchllm.cli.Main pretrain \
    --threads 2 --epochs "$EPOCHS" --out "$dir" > "$1" 2>&1
  local rc=$?
  rm -rf "$dir" # the checkpoint (about 2 GB) is not needed for the timing
  return $rc
}
run_torch() {
  # --no-initial-losses: our main job does not compute section 5.1.3's initial losses (10 forward
  # passes), so the whole-run times cover the same work
  /usr/bin/time -v -o "$1.time" "${TORCH_ENV[@]}" /usr/bin/python3 scripts/torch_ch05_run.py --threads 2 --epochs "$EPOCHS" \
    --ids "$IDS" --no-initial-losses > "$1" 2>&1
}

# One line of figures from a run: training, evaluations, samples (s), whole process wall (s), peak RSS (MiB).
figures() {
  awk '/^  training steps:/ {tr=$3} /^  evaluations:/ {ev=$2} /^  samples:/ {sa=$2}
       END {printf "%s %s %s", tr == "" ? "NA" : tr, ev == "" ? "NA" : ev, sa == "" ? "NA" : sa}' "$1"
  awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2, p, ":"); s=0; for (i=1;i<=n;i++) s=s*60+p[i]; w=s}
              /Maximum resident set size/ {r=$2/1024} END {printf " %.1f %.0f\n", w, r}' "$1.time"
}

SUMMARY="$OUT/summary.txt"
: > "$SUMMARY"
echo "pair order  program  training_s evals_s samples_s whole_s peak_rss_MiB  load_before" | tee -a "$SUMMARY"
for i in $(seq 1 "$PAIRS"); do
  if [ $((i % 2)) = 1 ]; then order="java torch"; else order="torch java"; fi
  for prog in $order; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    log="$OUT/pair${i}_${prog}.log"
    echo "$(date -u +%H:%M:%S) pair $i: $prog ..." >&2
    rc=0
    if [ "$prog" = java ]; then run_java "$log" || rc=$?; else run_torch "$log" || rc=$?; fi
    [ "$rc" = 0 ] || echo "pair $i: $prog exited with status $rc (see $log)" | tee -a "$SUMMARY" >&2
    echo "$i $(echo "$order" | tr ' ' '-') $prog $(figures "$log") $load" | tee -a "$SUMMARY"
  done
  # The evaluation lines must be the book's in both programs (PyTorch prints 0.717 for 0.716 at step 75).
  if diff <(grep '^Ep ' "$OUT/pair${i}_java.log") <(grep '^Ep ' "$OUT/pair${i}_torch.log") > "$OUT/pair${i}_eval_diff.txt"; then
    echo "pair $i: evaluation lines identical" | tee -a "$SUMMARY"
  else
    echo "pair $i: evaluation lines differ in $(grep -c '^<' "$OUT/pair${i}_eval_diff.txt") line(s), see pair${i}_eval_diff.txt" | tee -a "$SUMMARY"
  fi
done

# Medians per program and the ratios ours ÷ PyTorch (of the medians, and the median of the per-pair ratios).
awk '
  $3 == "java" || $3 == "torch" { n[$3]++; for (c = 4; c <= 8; c++) v[$3, c, n[$3]] = $c; pair[$1, $3] = 1 }
  function med(p, c,   k, i, j, a, t) { k = n[p]; for (i = 1; i <= k; i++) a[i] = v[p, c, i]
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
  END {
    split("training evaluations samples whole_run peak_RSS_MiB", name, " ")
    printf "\n| median of %d pairs | ScratchLLM | PyTorch | ours ÷ PyTorch | median of per-pair ratios |\n|---|---:|---:|---:|---:|\n", n["java"]
    for (c = 4; c <= 8; c++) {
      k = n["java"] < n["torch"] ? n["java"] : n["torch"]
      for (i = 1; i <= k; i++) r[i] = v["torch", c, i] > 0 ? v["java", c, i] / v["torch", c, i] : 0
      for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
      rm = k % 2 ? r[(k + 1) / 2] : (r[k / 2] + r[k / 2 + 1]) / 2
      a = med("java", c); b = med("torch", c)
      printf "| %s | %.1f | %.1f | %.2f | %.2f |\n", name[c - 3], a, b, (b > 0 ? a / b : 0), rm
    }
  }' "$SUMMARY" | tee -a "$SUMMARY"
echo "logs and summary: $OUT" >&2
