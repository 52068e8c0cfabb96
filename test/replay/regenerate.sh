#!/usr/bin/env bash
# Records the golden journals of this folder again and makes their tampered copies (README.md).
# Run from anywhere after `npm run build`; review the diff before committing: a golden journal
# that changes means romhost now records (or a component now reports) something else.
set -euo pipefail
cd "$(dirname "$0")/../.."
romhost() { node dist/host/cli/main.js "$@"; }

romhost run examples/counter/scenario.yaml --inputs test/replay/counter-session.jsonl --once --record test/replay/counter.journal >/dev/null
romhost run examples/windows/scenario.yaml --inputs test/replay/windows-session.jsonl --once --record test/replay/windows.journal >/dev/null

# Each copy is one small edit of counter.journal, found by its content rather than its line number.
cd test/replay
g=counter.journal
sed '1s/"version":1,/"version":99,/' $g > bad-version.journal
sed '1d' $g > no-header.journal
sed 's/^\({"step":3,"report":"counter\/count","text":"2"\)}$/\1/' $g > not-json.journal
head -c -21 $g > truncated.journal
sed -n '/^{"step":4,"input"/{h;d};p;/^{"step":5,"lifecycle"/{x;p}' $g > steps-out-of-order.journal
sed 's/^{"step":3,"report":"counter\/count"/{"step":2,"report":"counter\/count"/' $g > foreign-entry.journal
sed 's/^{"step":7,"lifecycle":"stopped","child":"plus-one"}$/{"step":7,"paused":"plus-one"}/' $g > unknown-entry.journal
sed 's/^\({"step":8,"report":"counter\/state","text":"4\\n\)c"}$/\1d"}/' $g > tampered-report.journal
