import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One cell of a sheet as LibreOffice Calc read it. */
export interface CalcCell {
  /** The formula when Calc made the cell one (`of:=1+1`), else undefined. */
  formula: string | undefined;
  /** `string`, `float`, `date`, … (ODF's `office:value-type`); undefined for an empty cell. */
  type: string | undefined;
  /** The cell's text as shown. */
  text: string;
}

/**
 * Opens CSV text in LibreOffice Calc (headless, Debian's `libreoffice-calc-nogui`) the way a person
 * opening the file would (UTF-8, comma, `"` quotes, formulas evaluated, special numbers detected) and
 * returns the sheet as rows of cells, read from the flat ODF file Calc saves.
 *
 * @throws when `soffice` is not installed: `.ci/run` installs it.
 */
export async function openCsvInCalc(csv: string | Buffer): Promise<CalcCell[][]> {
  const dir = await mkdtemp(join(tmpdir(), 'okta-calc-'));
  try {
    const input = join(dir, 'sheet.csv');
    await writeFile(input, csv);
    // CSV filter options: separator 44 (,), quote 34 ("), charset 76 (UTF-8), from line 1, default
    // cell formats, language, quoted as text false, detect special numbers true, …, evaluate
    // formulas true (token 13). https://help.libreoffice.org/latest/en-US/text/shared/guide/csv_params.html
    await run(
      'soffice',
      [
        `-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`,
        '--headless',
        '--norestore',
        '--infilter=CSV:44,34,76,1,,0,false,true,false,false,false,-1,true',
        '--convert-to',
        'fods',
        '--outdir',
        dir,
        input,
      ],
      { timeout: 120_000 },
    ).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        throw new Error(
          'soffice not found: install LibreOffice Calc (apt-get install -y libreoffice-calc-nogui)',
        );
      }
      throw error;
    });
    return parseFlatOds(await readFile(join(dir, 'sheet.fods'), 'utf8'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function parseFlatOds(xml: string): CalcCell[][] {
  const rows: CalcCell[][] = [];
  for (const row of xml.matchAll(/<table:table-row\b[^>]*>([\s\S]*?)<\/table:table-row>/g)) {
    const cells: CalcCell[] = [];
    for (const cell of row[1]!.matchAll(
      /<table:table-cell\b([^>]*?)(?:\/>|>([\s\S]*?)<\/table:table-cell>)/g,
    )) {
      const attributes = cell[1]!;
      const repeated = Number(/table:number-columns-repeated="(\d+)"/.exec(attributes)?.[1] ?? 1);
      const parsed: CalcCell = {
        formula: decode(/table:formula="([^"]*)"/.exec(attributes)?.[1]),
        type: /office:value-type="([^"]*)"/.exec(attributes)?.[1],
        text: [...(cell[2] ?? '').matchAll(/<text:p\b[^>]*>([\s\S]*?)<\/text:p>|<text:p\b[^>]*\/>/g)]
          .map((paragraph) => paragraphText(paragraph[1] ?? ''))
          .join('\n'),
      };
      for (let index = 0; index < Math.min(repeated, 64); index++) cells.push(parsed);
    }
    while (cells.length > 0 && cells.at(-1)!.type === undefined) cells.pop();
    rows.push(cells);
  }
  while (rows.length > 0 && rows.at(-1)!.length === 0) rows.pop();
  return rows;
}

function paragraphText(inner: string): string {
  const text = inner
    .replace(/<text:s(?: text:c="(\d+)")?\/>/g, (_, count) => ' '.repeat(Number(count ?? 1)))
    .replace(/<text:tab\/>/g, '\t')
    .replace(/<text:line-break\/>/g, '\n')
    .replace(/<[^>]+>/g, '');
  return decode(text)!;
}

function decode(text: string | undefined): string | undefined {
  return text
    ?.replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code) => String.fromCodePoint(Number.parseInt(code, 16)))
    .replace(/&amp;/g, '&');
}
