/**
 * Legacy binaries converted by LibreOffice headless, sandboxed: .xls (BIFF8 and BIFF5, WPS .et) to
 * .xlsx, and .doc (Word 97-2003, WPS .wps) or .odt to .docx. The caller reads the result like any
 * upload (the zip guard and its limits included); this module only converts.
 *
 * The sandbox of one conversion:
 * - a private temp dir (mode 0700), removed afterwards whatever happens: the input written there as
 *   in.<ext>, the output read back from out/ there, the LibreOffice profile inside it
 *   (-env:UserInstallation), HOME and TMPDIR pointing at it, an environment of PATH, locale and
 *   those only (no proxies, nothing of the service's own);
 * - the import filter named (--infilter), so a file is read only as what it was sniffed as (a
 *   Word 6.0/95 .doc excepted: LibreOffice's "MS Word 97" filter does not take it);
 * - a time limit (default 30 s) after which the whole process group is killed with SIGKILL
 *   (soffice is a script that starts oosplash, which forks soffice.bin: all three share the group
 *   spawned detached here); the group is also killed after a normal exit, so nothing survives;
 * - a memory limit: the virtual address space (`ulimit -v`, inherited by soffice.bin; default
 *   2 GiB: LibreOffice 7.4 starts with 512 MiB and fails to load its libraries under 256 MiB);
 * - no network: run in a new user and network namespace (`unshare -rn`) when this machine allows
 *   it (checked once per process; if it does not, the conversion runs without it and one warning
 *   is logged: LibreOffice needs no network, so this only removes a layer of defence);
 * - one conversion at a time per isolate (a module-level queue, no lock file). The DocumentReader
 *   converts in the parent before the sandbox worker reads the result, so that is one conversion
 *   at a time per process; called from worker threads it would be one per thread;
 * - stdout and stderr captured up to 16 KB each; the output's size checked (default 50 MB) before
 *   it is read, and its first bytes checked to be a zip.
 *
 * An encrypted file is refused before LibreOffice runs (PASSWORD_PROTECTED): headless LibreOffice
 * answers a password-protected .xls with an empty workbook, not an error.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DubanError } from '../../errors';
import type { Logger } from '../../log';
import { DEFAULT_LIMITS } from '../excel/guard-limits';
import { inflateEntry, listZipEntries } from '../excel/zip-directory';
import { readCfbDirectory } from './cfb';
import { sniffFile } from './sniff';

export type LegacyFormat = 'xls' | 'doc' | 'odt';

export interface ConvertOptions {
  /** Wall-clock limit of one conversion, start-up included. Default 30 s. */
  timeoutMs?: number;
  /** Virtual address space of LibreOffice (`ulimit -v`). Default 2 GiB. */
  memoryLimitBytes?: number;
  /** A larger output is refused unread. Default 50 MB. */
  maxOutputBytes?: number;
  /** A larger input is refused before conversion (WORKBOOK_TOO_LARGE). Default 30 MB. */
  maxInputBytes?: number;
  /** Where each conversion's private dir is made. Default: the OS temp dir. */
  tmpRoot?: string;
  /** Where the one warning about running without network isolation goes. */
  logger?: Pick<Logger, 'warn'>;
}

export const CONVERT_DEFAULTS = {
  timeoutMs: 30_000,
  memoryLimitBytes: 2 * 1024 ** 3,
  maxOutputBytes: 50 * 1024 * 1024,
  maxInputBytes: 30 * 1024 * 1024,
} as const;

interface Plan {
  input: string;
  output: string;
  /** The import filter, or null to let LibreOffice detect the type (sniffed as a CFB already). */
  infilter: string | null;
  convertTo: string;
}

const PLANS: Record<LegacyFormat, Plan> = {
  // LibreOffice's "MS Excel 97" import filter reads BIFF8 and BIFF5 (and WPS .et, which is BIFF8).
  xls: {
    input: 'in.xls',
    output: 'in.xlsx',
    infilter: 'MS Excel 97',
    convertTo: 'xlsx:Calc MS Excel 2007 XML',
  },
  doc: {
    input: 'in.doc',
    output: 'in.docx',
    infilter: 'MS Word 97',
    convertTo: 'docx:MS Word 2007 XML',
  },
  odt: {
    input: 'in.odt',
    output: 'in.docx',
    infilter: 'writer8',
    convertTo: 'docx:MS Word 2007 XML',
  },
};

const OUTPUT_CAPTURE = 16 * 1024;
const CLEAN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** After the group is killed, how long to wait for its pipes to close before giving up on them. */
const REAP_MS = 5_000;

// ---------------------------------------------------------------------------------------------
// Is LibreOffice there?

const located = new Map<string, string | null>();

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The soffice to run: SOFFICE_PATH when set (and nothing else: a wrong path means missing), else
 * the first `soffice` on PATH. Cached per (SOFFICE_PATH, PATH).
 */
export function sofficePath(): string | null {
  const configured = process.env.SOFFICE_PATH?.trim() || '';
  const searchPath = process.env.PATH ?? '';
  const key = `${configured}\0${searchPath}`;
  const cached = located.get(key);
  if (cached !== undefined) return cached;
  let found: string | null = null;
  if (configured) found = isExecutable(configured) ? configured : null;
  else {
    for (const dir of searchPath.split(path.delimiter)) {
      const candidate = dir && path.join(dir, 'soffice');
      if (candidate && isExecutable(candidate)) {
        found = candidate;
        break;
      }
    }
  }
  located.set(key, found);
  return found;
}

export function libreOfficeAvailable(): boolean {
  return sofficePath() !== null;
}

/** The operator's one-line warning for service start, or null when LibreOffice is there. */
export function converterMissingWarning(): string | null {
  if (libreOfficeAvailable()) return null;
  return (
    'LibreOffice (soffice) not found' +
    (process.env.SOFFICE_PATH ? ` at SOFFICE_PATH=${process.env.SOFFICE_PATH}` : ' on PATH') +
    ': .xls/.et, .doc/.wps and .odt attachments will be refused with CONVERTER_MISSING' +
    ' (senders are asked for .xlsx); install libreoffice-calc-nogui and libreoffice-writer-nogui.'
  );
}

// ---------------------------------------------------------------------------------------------
// Network isolation, checked once.

let isolation: boolean | null = null;
let warnedNoIsolation = false;

/** Whether `unshare -rn` works here (a new user and network namespace). Checked once. */
export function networkIsolationAvailable(): boolean {
  if (isolation === null) {
    const r = spawnSync('unshare', ['-rn', 'true'], {
      stdio: 'ignore',
      timeout: 5_000,
      env: { PATH: CLEAN_PATH },
    });
    isolation = r.status === 0;
  }
  return isolation;
}

// ---------------------------------------------------------------------------------------------
// One conversion at a time in this isolate.

let queue: Promise<unknown> = Promise.resolve();

function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * The file converted to .xlsx ('xls') or .docx ('doc', 'odt'). Throws DubanError: CONVERTER_MISSING
 * (no soffice), PASSWORD_PROTECTED (encrypted: refused before conversion), WORKBOOK_TOO_LARGE (the
 * input over its limit), CONVERSION_FAILED (LibreOffice failed, timed out, hit the memory limit, or
 * wrote nothing usable).
 */
export async function convertWithLibreOffice(
  bytes: Buffer,
  from: LegacyFormat,
  options: ConvertOptions = {},
): Promise<Buffer> {
  const soffice = sofficePath();
  if (!soffice) {
    throw new DubanError(
      'CONVERTER_MISSING',
      `LibreOffice (soffice) is not installed${process.env.SOFFICE_PATH ? ` at ${process.env.SOFFICE_PATH}` : ''}`,
    );
  }
  const maxInput = options.maxInputBytes ?? CONVERT_DEFAULTS.maxInputBytes;
  if (bytes.length > maxInput) {
    throw new DubanError('WORKBOOK_TOO_LARGE', `${bytes.length} bytes exceed ${maxInput}`);
  }
  await refuseEncrypted(bytes, from);
  const plan = from === 'doc' && !isWord97(bytes) ? { ...PLANS.doc, infilter: null } : PLANS[from];
  return oneAtATime(async () => {
    try {
      return await convertInSandbox(soffice, bytes, plan, options);
    } catch (err) {
      if (err instanceof DubanError) throw err;
      throw new DubanError('CONVERSION_FAILED', `conversion not run: ${(err as Error).message}`);
    }
  });
}

/**
 * Whether a .doc is Word 97 or later (nFib ≥ 0xC1 at the start of its WordDocument stream), for
 * LibreOffice's "MS Word 97" import filter; Word 6.0/95 files are left to its type detection.
 */
function isWord97(bytes: Buffer): boolean {
  const dir = readCfbDirectory(bytes);
  const word = dir?.streams.find((st) => st.name.toLowerCase() === 'worddocument');
  const head = word && dir?.head(word, 512);
  return !head || head.length < 4 || head.readUInt16LE(2) >= 0xc1;
}

async function refuseEncrypted(bytes: Buffer, from: LegacyFormat): Promise<void> {
  const identity = sniffFile(bytes);
  if (identity.kind === 'encrypted') {
    throw new DubanError('PASSWORD_PROTECTED', `the ${identity.format} file is encrypted`);
  }
  if (from === 'odt' && identity.kind === 'sheet' && identity.format === 'odt') {
    if (await odfEncrypted(bytes)) {
      throw new DubanError('PASSWORD_PROTECTED', 'the OpenDocument file is encrypted');
    }
  }
}

/** An encrypted OpenDocument package lists encryption data for its parts in its manifest. */
async function odfEncrypted(bytes: Buffer): Promise<boolean> {
  try {
    const entries = await listZipEntries(bytes, DEFAULT_LIMITS);
    const manifest = entries.find((e) => e.fileName === 'META-INF/manifest.xml');
    if (!manifest || manifest.uncompressedSize > 1024 * 1024) return false;
    return /<(?:\w+:)?encryption-data[\s/>]/.test(inflateEntry(bytes, manifest).toString('utf8'));
  } catch {
    return false; // a damaged package: LibreOffice decides
  }
}

async function convertInSandbox(
  soffice: string,
  bytes: Buffer,
  plan: Plan,
  options: ConvertOptions,
): Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? CONVERT_DEFAULTS.timeoutMs;
  const memoryLimit = options.memoryLimitBytes ?? CONVERT_DEFAULTS.memoryLimitBytes;
  const maxOutput = options.maxOutputBytes ?? CONVERT_DEFAULTS.maxOutputBytes;
  const dir = await fs.promises.mkdtemp(path.join(options.tmpRoot ?? os.tmpdir(), 'duban-lo-'));
  try {
    const input = path.join(dir, plan.input);
    const outDir = path.join(dir, 'out');
    await fs.promises.mkdir(outDir, { mode: 0o700 });
    await fs.promises.writeFile(input, bytes, { mode: 0o600 });
    const sofficeArgs = [
      soffice,
      `-env:UserInstallation=${pathToFileURL(path.join(dir, 'profile')).href}`,
      '--headless',
      '--norestore',
      '--nolockcheck',
      '--nodefault',
      '--nofirststartwizard',
      ...(plan.infilter ? [`--infilter=${plan.infilter}`] : []),
      '--convert-to',
      plan.convertTo,
      '--outdir',
      outDir,
      input,
    ];
    const run = await runSandboxed(sofficeArgs, dir, timeoutMs, memoryLimit, options.logger);
    if (run.timedOut) {
      throw new DubanError(
        'CONVERSION_FAILED',
        `LibreOffice gave no result within ${timeoutMs} ms`,
      );
    }
    return await readOutput(path.join(outDir, plan.output), maxOutput, run);
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** The command line: `[unshare -rn] sh -c 'ulimit -v KB && exec "$@"' sh soffice …`. */
function sandboxCommand(
  sofficeArgs: string[],
  memoryLimit: number,
  logger: ConvertOptions['logger'],
): string[] {
  const kb = Math.max(1, Math.floor(memoryLimit / 1024));
  const limited = ['/bin/sh', '-c', `ulimit -v ${kb} && exec "$@"`, 'sh', ...sofficeArgs];
  if (networkIsolationAvailable()) return ['unshare', '-rn', ...limited];
  if (!warnedNoIsolation) {
    warnedNoIsolation = true;
    logger?.warn(
      { component: 'libreoffice' },
      'unshare -rn is not permitted here: LibreOffice conversions run without network isolation',
    );
  }
  return limited;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is gone already.
  }
}

function runSandboxed(
  sofficeArgs: string[],
  dir: string,
  timeoutMs: number,
  memoryLimit: number,
  logger: ConvertOptions['logger'],
): Promise<RunResult> {
  const [command, ...args] = sandboxCommand(sofficeArgs, memoryLimit, logger) as [
    string,
    ...string[],
  ];
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: dir,
      detached: true, // a process group of its own, killed whole
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: CLEAN_PATH,
        HOME: dir,
        TMPDIR: dir,
        LANG: 'C.UTF-8',
        LC_ALL: 'C.UTF-8',
        SAL_USE_VCLPLUGIN: 'svp',
      },
    });
    const out = { stdout: '', stderr: '' };
    const capture = (key: 'stdout' | 'stderr') => (chunk: Buffer) => {
      if (out[key].length < OUTPUT_CAPTURE) {
        out[key] += chunk.toString('utf8').slice(0, OUTPUT_CAPTURE - out[key].length);
      }
    };
    child.stdout?.on('data', capture('stdout'));
    child.stderr?.on('data', capture('stderr'));
    let timedOut = false;
    let settled = false;
    let reapTimer: NodeJS.Timeout | undefined;
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(reapTimer);
      killGroup(child.pid); // stragglers (a forked soffice.bin) never outlive the conversion
      resolve({ code, signal, timedOut, ...out });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
      // 'close' follows once every holder of the pipes is dead; do not wait for it forever.
      reapTimer = setTimeout(() => finish(null, 'SIGKILL'), REAP_MS);
    }, timeoutMs);
    child.on('error', (err) => {
      out.stderr += `spawn failed: ${err.message}`;
      finish(null, null);
    });
    // 'close', not 'exit': soffice.bin holds the pipes until it is gone too.
    child.on('close', (code, signal) => finish(code, signal));
  });
}

async function readOutput(file: string, maxOutput: number, run: RunResult): Promise<Buffer> {
  const why = (what: string): DubanError =>
    new DubanError('CONVERSION_FAILED', `${what}${describeRun(run)}`, {
      stdout: run.stdout,
      stderr: run.stderr,
    });
  let stat: fs.Stats;
  try {
    stat = await fs.promises.lstat(file);
  } catch {
    throw why('LibreOffice wrote no output');
  }
  if (!stat.isFile()) throw why('LibreOffice output is not a regular file');
  if (stat.size === 0) throw why('LibreOffice wrote an empty file');
  if (stat.size > maxOutput) {
    throw why(`LibreOffice output of ${stat.size} bytes exceeds ${maxOutput}`);
  }
  const bytes = await fs.promises.readFile(file);
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) {
    throw why('LibreOffice output is not a zip package');
  }
  return bytes;
}

function describeRun(run: RunResult): string {
  const status = run.signal ? `signal ${run.signal}` : `exit ${run.code}`;
  const lastLine =
    run.stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('Warning: failed to launch javaldx'))
      .pop() ?? '';
  return ` (${status}${lastLine ? `: ${lastLine.slice(0, 300)}` : ''})`;
}
