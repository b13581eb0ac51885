/**
 * CSV export (issue 12): parsed back with an RFC 4180 parser written here (strict: it refuses what the
 * RFC does not allow) and compared to the report: one row per finding, every column, CRLF record ends,
 * UTF-8 without a BOM, no cell a spreadsheet could run as a formula, no control, bidi or zero-width
 * character left to act, hostile payloads included; lifecycle columns from a stored sync's context.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { CSV_COLUMNS, csvCell, renderCsv } from '../src/exports/csv.ts';
import type { ScanReport } from '../src/exports/scan-report.ts';
import { findingUid, type FindingLifecycle } from '../src/exports/types.ts';
import { HOSTILE_PAYLOADS, hostilePayload } from '../src/simulator/hostile.ts';
import { exportContext, generatedReport, scenarioReport } from './helpers/scan-reports.ts';

/**
 * RFC 4180 records: fields separated by commas, records by CRLF, a quoted field may hold commas, CR, LF
 * and doubled quotes. Throws on a bare quote in an unquoted field, text after a closing quote, a record
 * not ended by CRLF, or records of different lengths.
 */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted field');
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
    } else {
      while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`bare quote in an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r' && text[i + 1] === '\n') {
      i += 2;
      records.push(record);
      record = [];
      continue;
    }
    throw new Error(`expected a comma or CRLF at ${i}, found ${JSON.stringify(text.slice(i, i + 10))}`);
  }
  if (record.length) throw new Error('the last record does not end with CRLF');
  for (const r of records)
    if (r.length !== records[0].length)
      throw new Error(`a record has ${r.length} fields, the header ${records[0].length}`);
  return records;
}

/** What a cell must hold for a text of the report (written independently of the renderer's code). */
function expectedCell(value: string): string {
  let s = value.replace(/\r\n?/g, '\n');
  s = [...s]
    .map((c) => {
      const cp = c.codePointAt(0)!;
      const invisible =
        (cp < 0x20 && c !== '\t' && c !== '\n') ||
        (cp >= 0x7f && cp <= 0x9f) ||
        cp === 0x2028 ||
        cp === 0x2029 ||
        /\p{Cf}/u.test(c);
      return invisible ? `⟨U+${cp.toString(16).toUpperCase().padStart(4, '0')}⟩` : c;
    })
    .join('');
  return /^\s*[=+\-@\t\n＝＋－＠]/u.test(s) ? `'${s}` : s;
}

/** A cell a spreadsheet could read as a formula, or with a character that acts instead of showing. */
function unsafe(cell: string): string | null {
  if (/^[\s]*[=+\-@\t\r\n＝＋－＠]/u.test(cell)) return 'starts like a formula';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]|\p{Cf}/u.test(cell))
    return 'control/bidi/zero-width';
  return null;
}

function hostileReport(base: ScanReport): ScanReport {
  const r = structuredClone(base);
  r.findings = [
    ...HOSTILE_PAYLOADS,
    ' =1+1',
    '\t=1',
    '-2+3',
    '+cmd',
    '@SUM(A1)',
    '＝1+1',
    'a\r\nb\rc',
    'say "hi", ok',
  ].map((p, i) => ({
    ...base.findings[i % base.findings.length],
    resourceId: `res_${i}`,
    resourceName: p,
    title: hostilePayload(i + 1),
    detail: hostilePayload(i + 2),
    remediation: hostilePayload(i + 3),
  }));
  return r;
}

describe('CSV export', () => {
  let scenario: ScanReport;
  before(async () => {
    scenario = await scenarioReport();
  });

  it('has a header and one row per finding, RFC 4180, UTF-8 without a BOM', () => {
    const text = renderCsv(scenario, exportContext());
    assert.notEqual(text.charCodeAt(0), 0xfeff, 'no byte order mark');
    assert.ok(text.endsWith('\r\n'));
    assert.ok(!/[^\r]\n/.test(text.replace(/"(?:[^"]|"")*"/g, '')), 'records end with CRLF');
    const rows = parseCsv(text);
    assert.deepEqual(rows[0], [...CSV_COLUMNS]);
    assert.equal(rows.length, scenario.findings.length + 1);
    const context = exportContext();
    scenario.findings.forEach((f, i) => {
      const row = Object.fromEntries(CSV_COLUMNS.map((c, j) => [c, rows[i + 1][j]]));
      assert.deepEqual(row, {
        findingUid: findingUid(scenario, f, context),
        ruleId: f.ruleId,
        status: f.status,
        severity: f.severity,
        resourceType: f.resourceType,
        resourceId: f.resourceId,
        resourceName: expectedCell(f.resourceName ?? ''),
        title: expectedCell(f.title),
        detail: expectedCell(f.detail),
        remediation: expectedCell(f.remediation),
        firstSeenAt: '',
        lastSeenAt: '',
        muted: '',
        muteReason: '',
        mutedBy: '',
        muteExpiresAt: '',
        workspaceBaseUrl: scenario.source.baseUrl.replace(/\/$/, ''),
        simulated: 'false',
      });
    });
  });

  it('neutralises formulas and shows control, bidi and zero-width characters, hostile payloads included', () => {
    const report = hostileReport(scenario);
    const text = renderCsv(report, exportContext({ simulated: true }));
    const rows = parseCsv(text);
    assert.equal(rows.length, report.findings.length + 1);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    report.findings.forEach((f, i) => {
      const row = rows[i + 1];
      assert.equal(row[col('resourceName')], expectedCell(f.resourceName!));
      assert.equal(row[col('title')], expectedCell(f.title));
      assert.equal(row[col('detail')], expectedCell(f.detail));
      assert.equal(row[col('remediation')], expectedCell(f.remediation));
      assert.equal(row[col('simulated')], 'true');
      for (const cell of row)
        assert.equal(unsafe(cell), null, `unsafe cell ${JSON.stringify(cell.slice(0, 80))}`);
    });
    // The examples, spelled out.
    const names = rows.slice(1).map((r) => r[col('resourceName')]);
    for (const want of [
      `'=HYPERLINK("http://evil")`,
      "' =1+1",
      "'\t=1",
      "'-2+3",
      "'+cmd",
      "'@SUM(A1)",
      "'＝1+1",
      'invoice_⟨U+202E⟩txt.exe',
      'zero⟨U+200B⟩width⟨U+200C⟩⟨U+200D⟩⟨U+2060⟩⟨U+FEFF⟩join',
      'a\nb\nc',
      'say "hi", ok',
      "'; DROP TABLE agents; --",
      '<script>alert(1)</script>',
    ])
      assert.ok(names.includes(want), `a cell reads ${JSON.stringify(want)}`);
    assert.ok(
      names.some((n) => n.length > 10_000),
      'the long payload is kept whole',
    );
    assert.equal(csvCell(null), '""');
    assert.equal(csvCell('x"y'), '"x""y"');
  });

  it('fills the lifecycle columns and the stored uid for a stored sync; an expired mute is not in force', () => {
    // Export time: 2026-11-30T12:00:00Z. Agent …a: muted for ever; agent …b: a mute that expired at 11:00.
    const lifecycle = (f: ScanReport['findings'][number]): FindingLifecycle | undefined =>
      f.resourceType === 'agent'
        ? {
            id: `stored-${f.ruleId}-${f.resourceId}`,
            firstSeenAt: '2026-01-01T00:00:00.000Z',
            lastSeenAt: '2026-11-30T00:00:00.000Z',
            mute: {
              reason: '=accepted risk',
              by: 'alice@example.com',
              at: '2026-02-01T00:00:00Z',
              expiresAt: f.resourceId.endsWith('a') ? null : '2026-11-30T11:00:00Z',
            },
          }
        : undefined;
    const rows = parseCsv(renderCsv(scenario, exportContext({ lifecycle })));
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const seen = { forEver: 0, expired: 0, none: 0 };
    scenario.findings.forEach((f, i) => {
      const row = rows[i + 1];
      const life = lifecycle(f);
      if (life) {
        assert.equal(row[col('findingUid')], life.id);
        assert.equal(row[col('firstSeenAt')], '2026-01-01T00:00:00.000Z');
        assert.equal(row[col('lastSeenAt')], '2026-11-30T00:00:00.000Z');
        assert.equal(row[col('muteReason')], "'=accepted risk");
        assert.equal(row[col('mutedBy')], 'alice@example.com');
        if (life.mute!.expiresAt === null) {
          seen.forEver++;
          assert.equal(row[col('muted')], 'true');
          assert.equal(row[col('muteExpiresAt')], '');
        } else {
          seen.expired++;
          assert.equal(row[col('muted')], 'false', 'an expired mute is not in force');
          assert.equal(row[col('muteExpiresAt')], '2026-11-30T11:00:00Z');
        }
      } else {
        seen.none++;
        assert.equal(row[col('muted')], '');
        assert.equal(row[col('firstSeenAt')], '');
        assert.equal(row[col('findingUid')], findingUid(scenario, f, exportContext()));
      }
    });
    assert.ok(
      seen.forEver > 0 && seen.expired > 0 && seen.none > 0,
      `every case is exercised: ${JSON.stringify(seen)}`,
    );
  });

  it('never exports credentials from the base URL', () => {
    const report = structuredClone(scenario);
    report.source.baseUrl = 'https://user:s3cret@api.example.com/?key=abc#x';
    const text = renderCsv(report, exportContext());
    assert.ok(!text.includes('s3cret') && !text.includes('key=abc'));
    assert.ok(text.includes('"https://api.example.com"'));
  });

  it('is the header alone when there is no finding', () => {
    const text = renderCsv({ ...scenario, findings: [] }, exportContext());
    assert.deepEqual(parseCsv(text), [[...CSV_COLUMNS]]);
  });

  it('renders the 2,000-agent workspace', async (t) => {
    const report = await generatedReport(2000);
    const started = performance.now();
    const text = renderCsv(report, exportContext());
    const ms = performance.now() - started;
    t.diagnostic(
      `2,000 agents, ${report.findings.length} findings: rendered in ${Math.round(ms)} ms, ${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB`,
    );
    const rows = parseCsv(text);
    assert.equal(rows.length, report.findings.length + 1);
    const uids = new Set(rows.slice(1).map((r) => r[0]));
    assert.equal(uids.size, report.findings.length, 'finding uids are unique');
  });
});
