import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** CPU time of processes read from /proc (Linux), to say which side of a benchmark was busy. */
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

interface Stat {
  pid: number;
  ppid: number;
  /** utime + stime, ms. */
  own: number;
  /** cutime + cstime: children this process has reaped, ms. */
  reaped: number;
}

function stat(pid: number): Stat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces; fields after it are split from its ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { pid, ppid: Number(f[1]), own: (Number(f[11]) + Number(f[12])) * TICK_MS, reaped: (Number(f[13]) + Number(f[14])) * TICK_MS };
}

/** CPU ms of the given processes (those still alive). */
export function cpuOfPids(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (stat(pid)?.own ?? 0), 0);
}

/**
 * CPU ms used so far by a process and all its descendants, including those that already
 * exited (a parent's reaped-children time covers them: Dovecot's master reaps its login
 * and imap processes).
 */
export function cpuOfTree(root: number): number {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => stat(Number(name)))
    .filter((s): s is Stat => s !== null);
  const children = new Map<number, Stat[]>();
  for (const s of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const top = stat(root);
  if (!top) return 0;
  let total = top.reaped;
  const walk = (s: Stat) => {
    total += s.own;
    for (const c of children.get(s.pid) ?? []) walk(c);
  };
  walk(top);
  return total;
}
