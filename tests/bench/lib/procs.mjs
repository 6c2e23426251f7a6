// Peak memory and CPU time of Chromium's renderer processes, read from
// /proc (Linux).

import { readFileSync, readdirSync } from 'node:fs';

function readText(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** Returns the ids of every live process below `rootPid`. */
export function descendants(rootPid) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readText(`/proc/${name}/stat`);
    if (!stat) continue;
    // The command name is in brackets and may hold spaces, so the fields
    // are counted from the closing bracket.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const parent = Number(fields[1]);
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(Number(name));
  }
  const found = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift();
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Returns the ids of the Chromium renderer processes below `ancestorPid`. */
export function rendererPids(ancestorPid) {
  return descendants(ancestorPid).filter((pid) => {
    const cmdline = readText(`/proc/${pid}/cmdline`);
    return cmdline !== null && cmdline.includes('--type=renderer');
  });
}

/** Returns the peak resident set size (VmHWM) of a process in bytes, or 0. */
export function peakRssBytes(pid) {
  const status = readText(`/proc/${pid}/status`);
  const match = status && /^VmHWM:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/**
 * Returns the largest peak resident set size among the live Chromium
 * renderers below `ancestorPid`. With one page open, that is the renderer
 * of the page and its dedicated workers, which run as threads of the same
 * process.
 */
export function peakRendererBytes(ancestorPid) {
  return Math.max(0, ...rendererPids(ancestorPid).map(peakRssBytes));
}

/**
 * Returns the CPU time (user and system) that the live Chromium renderers
 * below `ancestorPid` have used, in milliseconds at the kernel's 10 ms
 * tick. Renderers that exited in between no longer count.
 */
export function rendererCpuMs(ancestorPid) {
  let ticks = 0;
  for (const pid of rendererPids(ancestorPid)) {
    const stat = readText(`/proc/${pid}/stat`);
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, the 14th and 15th fields of the whole line.
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  // NOTE: assumes USER_HZ = 100, the value on Linux for x86 and arm.
  return ticks * 10;
}
