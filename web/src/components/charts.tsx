/**
 * A small time-series chart on recharts 3, shared by the pages: one series of values over time, as a
 * line or an area. Theme-aware (concrete Mantine colours for the light or dark scheme, since SVG
 * presentation attributes do not take CSS variables everywhere), with an accessible name, a text
 * summary under it (the text alternative) and the data as a table on demand. A null value is a gap in
 * the line (unknown, never drawn as 0).
 */
import {
  Box,
  Button,
  Collapse,
  Stack,
  Table,
  Text,
  useComputedColorScheme,
  useMantineTheme,
  type MantineColor,
} from '@mantine/core';
import { useId, useState } from 'react';
import {
  Area,
  AreaChart,
  CartesianGrid,
  Line,
  LineChart,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts';

export interface TimePoint {
  /** ISO 8601 date or date-time. */
  at: string;
  /** null: unknown at that time (a gap, never 0). */
  value: number | null;
}

export interface TimeSeriesChartProps {
  /** The accessible name of the chart (and the caption of its data table). */
  label: string;
  data: TimePoint[];
  kind?: 'line' | 'area';
  /** What the values are, e.g. "Risk score" (tooltip and table header). */
  valueLabel: string;
  formatValue?: (value: number) => string;
  /** How a point's time is written (tooltip, table); defaults to the date. */
  formatTime?: (at: string) => string;
  /** Time zone of the time axis ticks, e.g. "UTC" for UTC days (default: the browser's). */
  timeZone?: string;
  /** Value axis ticks (short); defaults to formatValue. */
  formatTick?: (value: number) => string;
  /** The text alternative shown under the chart; defaults to summarizeSeries(). */
  summary?: string;
  /** Fixed value axis, e.g. [0, 100] for a score. */
  domain?: [number, number];
  color?: MantineColor;
  height?: number;
}

const defaultTime = (at: string) => {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : d.toLocaleDateString(undefined, { dateStyle: 'medium' });
};

const defaultValue = (v: number) => new Intl.NumberFormat('en', { maximumFractionDigits: 1 }).format(v);

/** Time axis ticks, short enough to fit: the time of day within a day and a half, else the date. */
export function timeTickFormatter(first: number, last: number, timeZone?: string): (t: number) => string {
  const span = last - first;
  const options: Intl.DateTimeFormatOptions =
    span < 36 * 3_600_000
      ? { hour: 'numeric', minute: '2-digit' }
      : span < 300 * 86_400_000
        ? { month: 'short', day: 'numeric' }
        : { month: 'short', year: 'numeric' };
  return (t) => new Date(t).toLocaleString(undefined, { ...options, timeZone });
}

/**
 * "Risk score from 3 Jan 2026 to 9 Jan 2026 (5 points): first 40, last 55, lowest 38, highest 60."
 * Unknown points are counted and said; a series with no known value says so.
 */
export function summarizeSeries(
  valueLabel: string,
  data: TimePoint[],
  formatValue: (v: number) => string = defaultValue,
  formatTime: (at: string) => string = defaultTime,
): string {
  if (data.length === 0) return `${valueLabel}: no data yet.`;
  const known = data.filter((p): p is { at: string; value: number } => p.value !== null);
  const span =
    data.length === 1
      ? `on ${formatTime(data[0].at)}`
      : `from ${formatTime(data[0].at)} to ${formatTime(data[data.length - 1].at)}`;
  const unknown = data.length - known.length;
  const unknownText = unknown > 0 ? ` ${unknown} of ${data.length} points unknown.` : '';
  if (known.length === 0) return `${valueLabel} ${span}: unknown at every point.`;
  const values = known.map((p) => p.value);
  const first = known[0];
  const last = known[known.length - 1];
  if (known.length === 1) return `${valueLabel} ${span}: ${formatValue(first.value)}.${unknownText}`;
  const min = Math.min(...values);
  const max = Math.max(...values);
  return (
    `${valueLabel} ${span} (${data.length} points): first ${formatValue(first.value)}, ` +
    `last ${formatValue(last.value)}, lowest ${formatValue(min)}, highest ${formatValue(max)}.${unknownText}`
  );
}

export function TimeSeriesChart({
  label,
  data,
  kind = 'line',
  valueLabel,
  formatValue = defaultValue,
  formatTime = defaultTime,
  formatTick,
  timeZone,
  summary,
  domain,
  color = 'blue',
  height = 220,
}: TimeSeriesChartProps) {
  const theme = useMantineTheme();
  const scheme = useComputedColorScheme('light');
  const dark = scheme === 'dark';
  const [showTable, setShowTable] = useState(false);
  const tableId = useId();
  const summaryId = useId();

  const stroke = theme.colors[color]?.[dark ? 4 : 7] ?? color;
  const fill = theme.colors[color]?.[dark ? 8 : 1] ?? color;
  const grid = dark ? theme.colors.dark[4] : theme.colors.gray[3];
  const axis = dark ? theme.colors.dark[1] : theme.colors.gray[7];
  const text = summary ?? summarizeSeries(valueLabel, data, formatValue, formatTime);
  const rows = data.map((p) => ({ t: Date.parse(p.at), at: p.at, value: p.value }));
  const timeTick = timeTickFormatter(rows[0]?.t ?? 0, rows[rows.length - 1]?.t ?? 0, timeZone);

  const tooltip = ({ active, payload }: TooltipContentProps) => {
    const row = payload?.[0]?.payload as (typeof rows)[number] | undefined;
    if (!active || !row) return null;
    return (
      <Box
        p="xs"
        bg={dark ? 'dark.6' : 'white'}
        bd={`1px solid ${dark ? theme.colors.dark[4] : theme.colors.gray[3]}`}
        style={{ borderRadius: theme.radius.sm }}
      >
        <Text size="xs" c="dimmed">
          {formatTime(row.at)}
        </Text>
        <Text size="sm" fw={600}>
          {valueLabel}: {row.value === null ? 'unknown' : formatValue(row.value)}
        </Text>
      </Box>
    );
  };

  const common = {
    data: rows,
    margin: { top: 8, right: 24, bottom: 0, left: 0 },
    accessibilityLayer: true,
    title: label,
    desc: text,
  };
  const axes = (
    <>
      <CartesianGrid stroke={grid} strokeDasharray="3 3" vertical={false} />
      <XAxis
        dataKey="t"
        type="number"
        scale="time"
        domain={['dataMin', 'dataMax']}
        tickFormatter={timeTick}
        stroke={axis}
        tick={{ fill: axis, fontSize: 12 }}
        minTickGap={24}
      />
      <YAxis
        domain={domain ?? ['auto', 'auto']}
        tickFormatter={(v: number) => (formatTick ?? formatValue)(v)}
        stroke={axis}
        tick={{ fill: axis, fontSize: 12 }}
        width={52}
        allowDecimals={false}
      />
      <Tooltip content={tooltip} cursor={{ stroke: grid }} />
    </>
  );

  return (
    <Stack gap={4} component="figure" m={0} aria-label={label} role="figure">
      <Box h={height} w="100%">
        {kind === 'area' ? (
          <AreaChart {...common} responsive style={{ width: '100%', height: '100%' }}>
            {axes}
            <Area
              dataKey="value"
              name={valueLabel}
              type="linear"
              stroke={stroke}
              fill={fill}
              fillOpacity={dark ? 0.3 : 0.6}
              strokeWidth={2}
              connectNulls={false}
              isAnimationActive={false}
              dot={rows.length <= 31 ? { r: 2, fill: stroke } : false}
            />
          </AreaChart>
        ) : (
          <LineChart {...common} responsive style={{ width: '100%', height: '100%' }}>
            {axes}
            <Line
              dataKey="value"
              name={valueLabel}
              type="linear"
              stroke={stroke}
              strokeWidth={2}
              connectNulls={false}
              isAnimationActive={false}
              dot={{ r: 3, fill: stroke }}
            />
          </LineChart>
        )}
      </Box>
      <Text component="figcaption" id={summaryId} size="sm" c="dimmed" className="tl-wrap">
        {text}
      </Text>
      <div>
        <Button
          variant="subtle"
          size="compact-xs"
          onClick={() => setShowTable((v) => !v)}
          aria-expanded={showTable}
          aria-controls={tableId}
          aria-label={`${showTable ? 'Hide' : 'Show'} data: ${label}`}
        >
          {showTable ? 'Hide data' : 'Show data'}
        </Button>
      </div>
      <Collapse expanded={showTable} id={tableId}>
        {showTable && (
          <div className="tl-table-scroll">
            <Table striped withTableBorder fz="sm" aria-describedby={summaryId}>
              <Table.Caption>{label}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">When</Table.Th>
                  <Table.Th scope="col">{valueLabel}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.map((p, i) => (
                  <Table.Tr key={`${p.at}-${i}`}>
                    <Table.Td>{formatTime(p.at)}</Table.Td>
                    <Table.Td>{p.value === null ? 'unknown' : formatValue(p.value)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        )}
      </Collapse>
    </Stack>
  );
}
