#!/usr/bin/env bash
# A one-node Slurm cluster on localhost, for trying `stochgrad sweep --slurm` and for its tests.
#
#   scripts/slurm-local.sh up       start munged (if not running), slurmctld and slurmd; wait until the node is idle
#   scripts/slurm-local.sh down     stop the daemons this script started
#   scripts/slurm-local.sh status   sinfo of the local cluster
#   scripts/slurm-local.sh env      print `export SLURM_CONF=…` for sbatch, squeue, scontrol, scancel
#
# Needs root and Debian's slurm-wlm and munge (`apt-get install slurm-wlm munge`). Everything
# lives in $STOCHGRAD_SLURM_DIR (default /tmp/stochgrad-slurm): slurm.conf, state, logs, pid
# files; the system's /etc/slurm is not touched, so clients need SLURM_CONF (see `env`). The node
# is `localhost` with this machine's CPU count, one partition `debug`, no accounting (use squeue
# and scontrol, not sacct).
set -euo pipefail

DIR="${STOCHGRAD_SLURM_DIR:-/tmp/stochgrad-slurm}"
CONF="$DIR/slurm.conf"
export SLURM_CONF="$CONF"

die() { echo "slurm-local: $*" >&2; exit 1; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

write_conf() {
  local cpus
  cpus="$(nproc)"
  mkdir -p "$DIR/state" "$DIR/spool"
  cat >"$CONF" <<EOF
ClusterName=stochgrad-local
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2,bf_interval=2
MinJobAge=3600
KillWait=5
NodeName=localhost CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
}

start_munge() {
  if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then return; fi  # a munged is running
  mkdir -p /run/munge
  chown munge:munge /run/munge 2>/dev/null || true
  munged --force
  # munged writes its own pid file; remember that this script started it.
  sleep 0.5
  [ -f /run/munge/munged.pid ] && cp /run/munge/munged.pid "$DIR/munged.pid"
  munge -n </dev/null >/dev/null || die "munged did not start"
}

wait_idle() {
  for _ in $(seq 1 60); do
    if sinfo -h -N -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then return 0; fi
    sleep 0.5
  done
  die "the node did not come up; see $DIR/slurmctld.log and $DIR/slurmd.log"
}

up() {
  [ "$(id -u)" = 0 ] || die "needs root (slurmd runs jobs as their user)"
  command -v slurmctld >/dev/null || die "slurmctld not found: apt-get install slurm-wlm munge"
  mkdir -p "$DIR"
  if alive "$DIR/slurmctld.pid" && alive "$DIR/slurmd.pid"; then wait_idle; echo "slurm-local: already up ($CONF)"; return; fi
  down quiet
  rm -rf "$DIR/state" "$DIR/spool"
  write_conf
  start_munge
  slurmctld -f "$CONF"
  slurmd -f "$CONF" -N localhost
  wait_idle
  echo "slurm-local: up; export SLURM_CONF=$CONF"
}

stop_pid() {
  local file="$1"
  if alive "$file"; then
    local pid
    pid="$(cat "$file")"
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$file"
}

down() {
  stop_pid "$DIR/slurmd.pid"
  stop_pid "$DIR/slurmctld.pid"
  stop_pid "$DIR/munged.pid"
  [ "${1:-}" = quiet ] || echo "slurm-local: down"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) sinfo ;;
  env) echo "export SLURM_CONF=$CONF" ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
