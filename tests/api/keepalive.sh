#!/usr/bin/env bash
# Many requests over one keep-alive connection, on HTTP and HTTPS: every answer is 200 and curl
# connects only once.
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"

kazi_start || { not_ok "kazi starts"; t_finish; exit 1; }

for url in "$HTTP_URL" "$HTTPS_URL"; do
    scheme=${url%%:*}
    args=()
    for i in $(seq 1 200); do args+=(-o /dev/null "$url/healthz?i=$i"); done
    curl -sk -w '%{http_code} %{num_connects}\n' "${args[@]}" >"$T_DIR/ka.out"
    expect_eq "$scheme: 200 answers" "$(wc -l <"$T_DIR/ka.out")" 200
    expect_eq "$scheme: all 200" "$(grep -c '^200 ' "$T_DIR/ka.out")" 200
    expect_eq "$scheme: one connection" "$(awk '{ n += $2 } END { print n }' "$T_DIR/ka.out")" 1
done

# errors keep the connection too: 404 and 405 answers do not close it
args=()
for i in $(seq 1 50); do args+=(-o /dev/null "$HTTP_URL/nope/$i" -o /dev/null "$HTTP_URL/healthz"); done
curl -s -w '%{http_code} %{num_connects}\n' "${args[@]}" >"$T_DIR/ka.out"
expect_eq "404 and 200 alternating: 100 answers" "$(wc -l <"$T_DIR/ka.out")" 100
expect_eq "404 and 200 alternating: one connection" "$(awk '{ n += $2 } END { print n }' "$T_DIR/ka.out")" 1

t_finish
