import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Parser } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import ReportMergeCommand from '../../../src/commands/report/merge.js';
import ReportShowCommand from '../../../src/commands/report/show.js';
import ScanCommand from '../../../src/commands/scan.js';
import { parseShard } from '../../../src/scan/shard.js';
import { ROOT } from '../../helpers/run-cli.js';

/** Every ldf command line in docs/ci.md, with CI variables given example values. */
async function commandsInDocs(): Promise<string[][]> {
  const text = await readFile(path.join(ROOT, 'docs', 'ci.md'), 'utf8');
  const found: string[][] = [];
  // A command, and the lines continuing it (a folded YAML block's next lines start with --).
  const pattern = /(?:\.\/bin\/run\.js|\bldf) ((?:scan|report merge|report show)(?= )[^\n]*(?:\n\s+--[^\n]*)*)/g;
  for (const match of text.matchAll(pattern)) {
    if (match[1]!.includes('`')) continue; // prose quoting a command, not an example
    const line = match[1]!
      .replace(/\$\{\{ matrix\.shard \}\}/g, '1')
      .replace(/\$CI_NODE_INDEX/g, '1')
      .replace(/\$JOB_COMPLETION_INDEX/g, '0')
      .replace(/\s*\|\|\s*true\s*$/, '');
    found.push(line.trim().split(/\s+/));
  }
  return found;
}

describe('docs/ci.md', () => {
  it('every command in it parses with the flags ldf has (shards included)', async () => {
    const commands = await commandsInDocs();
    expect(commands.length).toBeGreaterThanOrEqual(10);
    const kinds = { scan: ScanCommand, 'report merge': ReportMergeCommand, 'report show': ReportShowCommand };
    for (const words of commands) {
      const kind = words[0] === 'scan' ? 'scan' : (`${words[0]} ${words[1]}` as keyof typeof kinds);
      const argv = words.slice(kind === 'scan' ? 1 : 2);
      const command = kinds[kind] as unknown as { baseFlags: object; flags: object; args: object; strict: boolean };
      const parsed = await Parser.parse(argv, {
        flags: { ...command.baseFlags, ...command.flags } as Parameters<typeof Parser.parse>[1]['flags'],
        args: command.args as Parameters<typeof Parser.parse>[1]['args'],
        strict: command.strict,
      });
      const shard = (parsed.flags as { shard?: string }).shard;
      if (shard !== undefined) {
        expect(() => parseShard(shard, { JOB_COMPLETION_INDEX: '0', CI_NODE_INDEX: '1', CI_NODE_TOTAL: '4' }), words.join(' ')).not.toThrow();
      }
    }
    // The three setups the page promises are there.
    const text = await readFile(path.join(ROOT, 'docs', 'ci.md'), 'utf8');
    for (const marker of ['strategy:', 'parallel: 4', 'completionMode: Indexed', 'reports:\n      junit: junit.xml', 'JOB_COMPLETION_INDEX']) {
      expect(text).toContain(marker);
    }
  });
});
