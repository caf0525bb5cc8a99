#!/usr/bin/env bash
# Installs what the end-to-end tests run besides KEDA: Debian's RabbitMQ
# (with its management plugin, enabled per run by the test harness) and
# Prometheus. Nothing is started here; the harness starts and stops both.
set -euo pipefail

missing=()
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
command -v prometheus >/dev/null || missing+=(prometheus)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
	echo "e2e: install ${missing[*]} (the tests need RabbitMQ 3.10+ and Prometheus 2.x on PATH)" >&2
	exit 1
fi
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "e2e: installing ${missing[*]} with apt-get" >&2
"${sudo[@]}" apt-get update -qq
# Debian starts services on install where it can; there is no init here, and
# the harness runs its own instances on free ports.
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
