#!/usr/bin/env bash
# Runs every notebook in docs/notebooks headless in real Jupyter (jupyter nbconvert --execute) on
# the ScratchLLM kernel, and fails if any cell fails. The kernel is installed into a temporary
# Jupyter folder first, so the user's own kernels are untouched. Executed copies go to a temporary
# folder; the repository's notebooks are not rewritten.
#
# Needs: the library in the local Maven repository (mvn install -DskipTests), the kernel built
# (mvn -f kernel/pom.xml package), Jupyter's nbconvert (Debian: jupyter-nbconvert python3-nbclient
# jupyter-client), a JDK 21+ as $JAVA_HOME or first on PATH, and the book's data in
# $SCRATCHLLM_DATA or the download cache.
#
#   scripts/run-notebooks.sh                 every notebook
#   scripts/run-notebooks.sh ch02 ch05       some
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [ -n "${SCRATCHLLM_DATA:-}" ]; then
  # the kernel runs in docs/notebooks: a relative folder would point elsewhere there
  SCRATCHLLM_DATA="$(cd "$SCRATCHLLM_DATA" && pwd)"
  export SCRATCHLLM_DATA
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$JAVA" -cp "kernel/target/scratchllm-kernel.jar:kernel/target/lib/*" dev.scratchllm.notebook.InstallKernel \
    --kernels-dir "$work/jupyter/kernels" > "$work/install.log" || { cat "$work/install.log"; exit 1; }
export JUPYTER_PATH="$work/jupyter"

if [ "$#" -gt 0 ]; then
  notebooks=(); for n in "$@"; do notebooks+=("docs/notebooks/${n%.ipynb}.ipynb"); done
else
  notebooks=(docs/notebooks/*.ipynb)
fi
failed=0
for nb in "${notebooks[@]}"; do
  start=$(date +%s)
  if jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=1800 \
      --output-dir "$work/out" "$nb" > "$work/run.log" 2>&1; then
    echo "PASS $nb in $(( $(date +%s) - start )) s"
  else
    echo "FAIL $nb after $(( $(date +%s) - start )) s:"
    tail -n 40 "$work/run.log"
    failed=1
  fi
done
exit "$failed"
