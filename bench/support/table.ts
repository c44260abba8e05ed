import type { Figure } from './figures';

const HEADERS = ['scenario', 'figure', 'value', 'target', 'met'] as const;

function cells(figure: Figure): string[] {
  return [
    figure.scenario,
    figure.figure,
    `${String(figure.value)} ${figure.unit}`.trim(),
    figure.target,
    figure.target === 'reported' ? '—' : figure.met ? 'yes' : 'NO',
  ];
}

/** The figures as an aligned plain-text table for the terminal. */
export function textTable(figures: readonly Figure[]): string {
  const rows = figures.map(cells);
  const widths = HEADERS.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: readonly string[]): string =>
    row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  return [line(HEADERS), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The figures as a Markdown table (docs/performance.md), with each figure's detail. */
export function markdownTable(figures: readonly Figure[]): string {
  const escape = (text: string): string => text.replace(/\|/g, '\\|');
  const rows = figures.map((figure) =>
    [...cells(figure), figure.detail ?? ''].map(escape).join(' | '),
  );
  return [
    '| scenario | figure | value | target | met | measured |',
    '|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}
