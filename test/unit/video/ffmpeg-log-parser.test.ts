import path from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  cleanReason,
  FfmpegLogParser,
  lastMeaningfulLine,
  parseKeyframeTimes,
  parsePacketPtsList,
  STDERR_TAIL_LINES,
  toContainerTime,
} from '../../../src/video/ffmpeg-log-parser.js';

const filePath = 'clips/a.mp4';
const url = `file:${path.resolve(filePath)}`;
/** Lines as the bundled ffmpeg prints them with `-loglevel level+info` and the showinfo filter. */
const SHOWINFO_CONFIG = '[Parsed_showinfo_3 @ 0x223b0180] [info] config in time_base: 1/12800, frame_rate: 25/1';
const SHOWINFO_CONFIG_OUT = '[Parsed_showinfo_3 @ 0x223b0180] [info] config out time_base: 0/0, frame_rate: 0/0';
const showinfoFrame = (n: number, pts: string, ptsTime: string): string =>
  `[Parsed_showinfo_3 @ 0x223b0180] [info] n:${String(n).padStart(4)} pts:${pts.padStart(7)} pts_time:${ptsTime.padEnd(8)} pos:       -1 fmt:rgb24 sar:1/1 s:32x24 i:P iskey:1 type:I checksum:CDA24DEA`;

describe('FfmpegLogParser: showinfo pts', () => {
  it('reads frame pts in the configured time base, across arbitrary chunking and line endings', async () => {
    const log = new FfmpegLogParser();
    const text = ['[info] Stream mapping:', SHOWINFO_CONFIG, SHOWINFO_CONFIG_OUT, showinfoFrame(0, '0', '0'), showinfoFrame(1, '512', '0.04'), showinfoFrame(2, '1536', '0.12')].join('\r\n') + '\n';
    for (let i = 0; i < text.length; i += 37) log.push(text.slice(i, i + 37));
    expect(await log.ptsFor(0)).toEqual({ seconds: 0, ticks: 0, timeBase: { num: 1, den: 12800 } });
    expect(await log.ptsFor(1)).toEqual({ seconds: 512 * (1 / 12800), ticks: 512, timeBase: { num: 1, den: 12800 } });
    expect(await log.ptsFor(2)).toEqual({ seconds: 1536 * (1 / 12800), ticks: 1536, timeBase: { num: 1, den: 12800 } });
  });

  it('falls back to pts_time without a time base, and records NOPTS frames as unknown', async () => {
    const log = new FfmpegLogParser();
    log.push(`${showinfoFrame(0, '7', '0.28')}\n${showinfoFrame(1, 'NOPTS', 'NOPTS')}\n`);
    log.end();
    expect(await log.ptsFor(0)).toEqual({ seconds: 0.28, ticks: null, timeBase: null });
    expect(await log.ptsFor(1)).toBeUndefined();
    expect(await log.ptsFor(2)).toBeUndefined();
  });

  it('waits for a frame line that has not arrived yet, and end() releases waiters', async () => {
    const log = new FfmpegLogParser();
    log.push(SHOWINFO_CONFIG + '\n');
    let settled = false;
    const first = log.ptsFor(0).then((pts) => {
      settled = true;
      return pts;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toBe(false);
    log.push(showinfoFrame(0, '25600', '2'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toBe(false); // the line is not terminated yet
    log.push('\n');
    expect(await first).toEqual({ seconds: 2, ticks: 25600, timeBase: { num: 1, den: 12800 } });

    const never = log.ptsFor(1);
    log.end();
    expect(await never).toBeUndefined();
  });

  it('end() parses an unterminated last line and is idempotent', async () => {
    const log = new FfmpegLogParser();
    log.push(showinfoFrame(0, '3', '0.12'));
    log.end();
    log.end();
    expect(await log.ptsFor(0)).toEqual({ seconds: 0.12, ticks: null, timeBase: null });
  });

  it('ignores a zero time base', async () => {
    const log = new FfmpegLogParser();
    log.push(`[Parsed_showinfo_0 @ 0x1] [info] config in time_base: 0/1, frame_rate: 0/0\n${showinfoFrame(0, '10', '0.4')}\n`);
    expect(await log.ptsFor(0)).toEqual({ seconds: 0.4, ticks: null, timeBase: null });
  });
});

describe('FfmpegLogParser.lastError', () => {
  it('prefers a file-level problem over later generic lines, without prefixes or the input URL', () => {
    const log = new FfmpegLogParser();
    log.push('[mov,mp4,m4a,3gp,3g2,mj2 @ 0x22106c40] [warning] Format mov,mp4,m4a,3gp,3g2,mj2 detected only with low score of 1, misdetection possible!\n');
    log.push('[mov,mp4,m4a,3gp,3g2,mj2 @ 0x22106c40] [error] moov atom not found\n');
    log.push(`[error] ${url}: Invalid data found when processing input\n`);
    expect(log.lastError(filePath)).toBe('moov atom not found');
  });

  it('takes the second file-level group when the first has no match', () => {
    const log = new FfmpegLogParser();
    log.push(`[error] ${url}: No such file or directory\n[fatal] Conversion failed!\n`);
    expect(log.lastError(filePath)).toBe('No such file or directory');
  });

  it('skips ffmpeg\'s generic follow-up messages, unless there is nothing else', () => {
    const log = new FfmpegLogParser();
    log.push('[h264 @ 0x1] [error] Invalid NAL unit size (1234 > 99).\n');
    log.push('[vist#0:0/h264 @ 0x2] [error] Error splitting the input into NAL units.\n');
    log.push('[error] Error while filtering: Invalid data\n[fatal] Conversion failed!\n');
    expect(log.lastError(filePath)).toBe('Invalid NAL unit size (1234 > 99).');

    const generic = new FfmpegLogParser();
    generic.push('[error] Error marking filters as finished\n[fatal] Conversion failed!\n');
    expect(generic.lastError(filePath)).toBe('Conversion failed!');
  });

  it('keeps lines without a level prefix, ignores info lines and showinfo, null when there is no problem', () => {
    const log = new FfmpegLogParser();
    log.push(`[info] Stream mapping:\n${SHOWINFO_CONFIG}\n${showinfoFrame(0, '0', '0')}\n`);
    expect(log.lastError(filePath)).toBeNull();
    log.push('something odd happened\n\n   \n');
    expect(log.lastError(filePath)).toBe('something odd happened');
  });

  it(`keeps only the last ${STDERR_TAIL_LINES} problem lines`, () => {
    const log = new FfmpegLogParser();
    log.push('[error] moov atom not found\n');
    for (let i = 0; i < STDERR_TAIL_LINES; i++) log.push(`[warning] Conversion failed! ${i}\n`);
    expect(log.lastError(filePath)).toBe(`Conversion failed! ${STDERR_TAIL_LINES - 1}`);
    const shorter = new FfmpegLogParser();
    shorter.push('[error] moov atom not found\n');
    for (let i = 0; i < STDERR_TAIL_LINES - 1; i++) shorter.push(`[warning] Conversion failed! ${i}\n`);
    expect(shorter.lastError(filePath)).toBe('moov atom not found');
  });
});

describe('FfmpegLogParser.decodeErrors', () => {
  it('counts a decoder\'s errors about the data, not the ones a seek causes, not the container\'s or a filter\'s', () => {
    const log = new FfmpegLogParser();
    log.push(
      [
        '[h264 @ 0x55d0] [error] left block unavailable for requested intra4x4 mode -1',
        '[h264 @ 0x55d0] [error] error while decoding MB 0 14, bytestream 7992',
        '[h264 @ 0x55d0] [error] reference picture missing during reorder',
        '[hevc @ 0x55d1] [error] Could not find ref with POC 12',
        '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d2] [error] stream 0, offset 0x2e54: partial file',
        '[Parsed_showinfo_1 @ 0x55d3] [info] n:   0 pts:      0 pts_time:0',
        '[vp9 @ 0x55d4] [warning] a warning is not an error',
        '[libdav1d @ 0x55d5] [error] Error parsing OBU data',
        '',
      ].join('\n'),
    );
    log.end();
    expect(log.decodeErrors()).toEqual({ count: 3, first: 'left block unavailable for requested intra4x4 mode -1' });
    const clean = new FfmpegLogParser();
    clean.push('[h264 @ 0x1] [info] nothing wrong\n');
    clean.end();
    expect(clean.decodeErrors()).toEqual({ count: 0, first: null });
  });
});

describe('toContainerTime', () => {
  const ntsc = { num: 1001, den: 30000 };

  it('undoes ffmpeg\'s rounded seek shift to the tick when the time bases agree', () => {
    // -ss 1 shifts by round(1 s / (1001/30000 s)) = 30 ticks, not 29.97.
    expect(toContainerTime({ seconds: 0, ticks: 0, timeBase: ntsc }, { seekSec: 1, streamTimeBase: ntsc })).toBe((30 * 1001) / 30000);
    // with a container start of 0.5 s: round(1.5 s / tick) = 45 ticks, then the start is taken off again
    expect(toContainerTime({ seconds: 0, ticks: 0, timeBase: ntsc }, { seekSec: 1, containerStartSec: 0.5, streamTimeBase: ntsc })).toBe(
      (45 * 1001) / 30000 - 0.5,
    );
    // equal time bases written differently still count as equal
    expect(toContainerTime({ seconds: 0.04, ticks: 2, timeBase: { num: 2, den: 100 } }, { seekSec: 2, streamTimeBase: { num: 1, den: 50 } })).toBe(
      (100 + 2) / 50,
    );
  });

  it('handles a negative container start (shift rounded half away from zero)', () => {
    const tb = { num: 1, den: 1000 };
    expect(toContainerTime({ seconds: 0.15, ticks: 150, timeBase: tb }, { containerStartSec: -0.1, streamTimeBase: tb })).toBe((-100 + 150) / 1000 + 0.1);
  });

  it('falls back to seek + seconds without ticks, without a stream time base, or when they differ', () => {
    expect(toContainerTime({ seconds: 0.25, ticks: null, timeBase: null }, { seekSec: 3, streamTimeBase: ntsc })).toBe(3.25);
    expect(toContainerTime({ seconds: 0.25, ticks: 5, timeBase: { num: 1, den: 20 } }, { seekSec: 3 })).toBe(3.25);
    expect(toContainerTime({ seconds: 0.25, ticks: 5, timeBase: { num: 1, den: 20 } }, { seekSec: 3, streamTimeBase: { num: 1, den: 25 } })).toBe(3.25);
    expect(toContainerTime({ seconds: 0.25, ticks: null, timeBase: null }, { seekSec: -2 })).toBe(0.25);
  });
});

describe('parsePacketPtsList', () => {
  it('one pts per requested time when ffprobe listed exactly one packet each', () => {
    const json = JSON.stringify({ packets: [{ pts_time: '0.000000', flags: 'K__' }, { pts_time: '2.002000', flags: 'K__' }, { flags: 'K__' }] });
    expect(parsePacketPtsList(json, 3)).toEqual([0, 2.002, null]);
  });

  it('all null when the listing is missing, not JSON, has no packets or a different count', () => {
    const two = JSON.stringify({ packets: [{ pts_time: '1' }, { pts_time: '2' }] });
    expect(parsePacketPtsList(two, 3)).toEqual([null, null, null]);
    expect(parsePacketPtsList(null, 2)).toEqual([null, null]);
    expect(parsePacketPtsList('{"packets": [', 2)).toEqual([null, null]);
    expect(parsePacketPtsList('null', 1)).toEqual([null]);
    expect(parsePacketPtsList('{}', 1)).toEqual([null]);
    expect(parsePacketPtsList('{"packets": "x"}', 1)).toEqual([null]);
  });
});

describe('parseKeyframeTimes', () => {
  it('keeps packets flagged K, ascending, skipping unknown pts', () => {
    const compact = ['4.004000|K__', '0.033367|___', '0.000000|K__', 'N/A|K__', '2.002000|K_D', '', 'garbage'].join('\n');
    expect(parseKeyframeTimes(compact)).toEqual([0, 2.002, 4.004]);
    expect(parseKeyframeTimes('')).toEqual([]);
  });
});

describe('lastMeaningfulLine / cleanReason', () => {
  it('the last non-empty stderr line, cleaned', () => {
    const stderr = `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1] moov atom not found\r\n${url}: Invalid data found when processing input\n\n`;
    expect(lastMeaningfulLine(stderr, filePath)).toBe('Invalid data found when processing input');
    expect(lastMeaningfulLine(' \n', filePath)).toBeNull();
  });

  it('strips bracketed contexts and the input as URL, absolute path or as given', () => {
    expect(cleanReason('[in#0 @ 0x5] [error] boom ', filePath)).toBe('boom');
    expect(cleanReason(`${url}: a`, filePath)).toBe('a');
    expect(cleanReason(`${path.resolve(filePath)}: b`, filePath)).toBe('b');
    expect(cleanReason(`${filePath}: c`, filePath)).toBe('c');
    expect(cleanReason('other.mp4: d', filePath)).toBe('other.mp4: d');
  });
});
