#!/usr/bin/env bash
# github-action.sh: the steps of gocsan's GitHub Action (action.yml runs
# it; cmd/gocsan/action_test.go runs it with the runner's variables
# pointing into a temporary directory).
#
# Inputs come as INPUT_* variables (action.yml maps them), the runner's
# as GITHUB_WORKSPACE, GITHUB_ACTION_PATH, RUNNER_TEMP and, when set,
# GITHUB_OUTPUT, GITHUB_PATH and GITHUB_STEP_SUMMARY.
#
# 1. Builds gocsan from the action's checkout (GITHUB_ACTION_PATH, the
#    ref the workflow's "uses:" names), named after that ref, into
#    RUNNER_TEMP, and puts it on PATH for later steps.
# 2. Runs gocsan test in the working directory. Under Actions it prints
#    the annotations and appends the job summary itself; -sarif, -junit
#    and -baseline come from the inputs.
# 3. Writes the outputs (absolute file paths, exit code) and exits with
#    gocsan test's status.
set -euo pipefail

: "${GITHUB_WORKSPACE:?}" "${GITHUB_ACTION_PATH:?}" "${RUNNER_TEMP:?}"

bin=$RUNNER_TEMP/gocsan-action/bin
mkdir -p "$bin"
echo "::group::gocsan: build from $GITHUB_ACTION_PATH"
ldflags=()
if [ -n "${GOCSAN_ACTION_REF:-}" ]; then
	ldflags=(-ldflags "-X main.version=$GOCSAN_ACTION_REF")
fi
(cd "$GITHUB_ACTION_PATH" && go build "${ldflags[@]}" -o "$bin/gocsan" ./cmd/gocsan)
"$bin/gocsan" version
echo "::endgroup::"
if [ -n "${GITHUB_PATH:-}" ]; then
	echo "$bin" >>"$GITHUB_PATH"
fi
# The runtime gocsan compiles into test binaries comes from the same
# checkout.
export GOCSAN_ROOT=$GITHUB_ACTION_PATH

cd "$GITHUB_WORKSPACE"
cd "${INPUT_WORKING_DIRECTORY:-.}"

# abspath names a file relative to the working directory.
abspath() {
	case "$1" in
	/*) echo "$1" ;;
	*) echo "$PWD/$1" ;;
	esac
}

# output names a file to write, making its directory.
output() {
	local f
	f=$(abspath "$1")
	mkdir -p "$(dirname "$f")"
	echo "$f"
}

args=(test "-profile=${INPUT_PROFILE:-ci}")
sarif='' junit=''
if [ -n "${INPUT_SARIF:-}" ]; then
	sarif=$(output "$INPUT_SARIF")
	args+=("-sarif=$sarif")
fi
if [ -n "${INPUT_JUNIT:-}" ]; then
	junit=$(output "$INPUT_JUNIT")
	args+=("-junit=$junit")
fi
if [ -n "${INPUT_BASELINE:-}" ]; then
	args+=("-baseline=$(abspath "$INPUT_BASELINE")")
fi
read -r -a flags <<<"${INPUT_FLAGS:-}"
read -r -a packages <<<"${INPUT_PACKAGES:-./...}"
args+=(${flags[@]+"${flags[@]}"} ${packages[@]+"${packages[@]}"})

echo "gocsan ${args[*]}"
status=0
"$bin/gocsan" "${args[@]}" || status=$?

if [ -n "${GITHUB_OUTPUT:-}" ]; then
	{
		echo "sarif=$sarif"
		echo "junit=$junit"
		echo "exit-code=$status"
	} >>"$GITHUB_OUTPUT"
fi
exit "$status"
