/**
 * DataTable: a server-sorted, cursor-paginated table on TanStack Table 8 (headless) and Mantine's Table.
 *
 * The server sorts and pages; the table only renders the rows it is given, so it stays fast on long lists.
 *
 *   const columns: ColumnDef<Row>[] = [
 *     { id: 'name', header: 'Name', enableSorting: true, cell: ({ row }) => row.original.name },
 *     { id: 'runs', header: 'Runs (30 d)', enableSorting: true, meta: { align: 'right' }, cell: … },
 *     { id: 'tools', header: 'Tools', cell: … },            // not sortable (the default)
 *   ];
 *   <DataTable
 *     label="Agents"                      // the table's accessible name (aria-label)
 *     columns={columns}
 *     data={rows}                         // the rows loaded so far (all pages, flattened)
 *     getRowId={(r) => r.id}
 *     sort={{ id: 'name', desc: false }}  // the server's current order, or null
 *     onSortChange={(s) => …}             // a header was activated: ask the server for that order
 *     loading={isPending}                 // first page: skeleton rows, same height, no layout shift
 *     busy={isFetching}                   // sets aria-busy while a new order or page is on its way
 *     empty={<EmptyState … />}            // shown instead of the table when not loading and no rows
 *     pagination={{ hasMore, loadingMore, onLoadMore }}  // "Load more" (next cursor page) under the table
 *   />
 *
 * Sorting: a column sorts when its def sets `enableSorting: true`; its id is the sort key passed back.
 * The header is a button (Enter/Space), the <th> carries aria-sort. A new column starts ascending
 * (or descending with `sortDescFirst: true`); activating the sorted column again reverses it.
 * `meta.align: 'right'` right-aligns a numeric column; `meta.minWidth` (px) keeps a column of badges or
 * truncated text from collapsing. Cells render React nodes: untrusted text stays text.
 */
import { Button, Group, Skeleton, Table, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type RowData,
  type SortingState,
} from '@tanstack/react-table';
import type { ReactNode } from 'react';

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Right-align numbers. */
    align?: 'left' | 'right';
    /** Minimum width in px (badges and truncated text would otherwise let the column collapse). */
    minWidth?: number;
  }
}

export type { ColumnDef } from '@tanstack/react-table';

export interface TableSort {
  /** The column id (= the server's sort key). */
  id: string;
  desc: boolean;
}

export interface DataTableProps<T> {
  /** Accessible name of the table (aria-label). */
  label: string;
  /** Optional visible caption (also read by screen readers). */
  caption?: ReactNode;
  // The column defs mix value types (any), as TanStack Table's own examples do.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  columns: ColumnDef<T, any>[];
  data: T[];
  getRowId: (row: T) => string;
  sort?: TableSort | null;
  onSortChange?: (sort: TableSort) => void;
  loading?: boolean;
  busy?: boolean;
  /** Skeleton rows while loading (default 8). */
  loadingRows?: number;
  empty?: ReactNode;
  pagination?: { hasMore: boolean; loadingMore: boolean; onLoadMore: () => void };
  /** Minimum width before the table scrolls horizontally (default 720). */
  minWidth?: number;
}

function ariaSort(sorted: false | 'asc' | 'desc', sortable: boolean) {
  if (!sortable) return undefined;
  return sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none';
}

export function DataTable<T>({
  label,
  caption,
  columns,
  data,
  getRowId,
  sort,
  onSortChange,
  loading = false,
  busy = false,
  loadingRows = 8,
  empty,
  pagination,
  minWidth = 720,
}: DataTableProps<T>) {
  const sorting: SortingState = sort ? [{ id: sort.id, desc: sort.desc }] : [];
  const table = useReactTable<T>({
    data,
    columns,
    getRowId: (row) => getRowId(row),
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    state: { sorting },
  });
  // The server sorts: a column is sortable when its def says so (TanStack would also want an accessor).
  const toggle = (id: string, descFirst: boolean) => {
    if (!onSortChange) return;
    onSortChange(sort?.id === id ? { id, desc: !sort.desc } : { id, desc: descFirst });
  };

  if (!loading && data.length === 0 && empty) return <>{empty}</>;

  const headerGroups = table.getHeaderGroups();
  const columnCount = table.getVisibleLeafColumns().length;

  return (
    <div>
      <Table.ScrollContainer minWidth={minWidth}>
        <Table
          aria-label={label}
          aria-busy={loading || busy || undefined}
          highlightOnHover
          verticalSpacing="xs"
          striped={false}
        >
          {caption && <Table.Caption>{caption}</Table.Caption>}
          <Table.Thead>
            {headerGroups.map((group) => (
              <Table.Tr key={group.id}>
                {group.headers.map((header) => {
                  const column = header.column;
                  const sortable = column.columnDef.enableSorting === true && Boolean(onSortChange);
                  const sorted = sort?.id === column.id ? (sort.desc ? 'desc' : 'asc') : false;
                  const align = column.columnDef.meta?.align ?? 'left';
                  const title = header.isPlaceholder
                    ? null
                    : flexRender(column.columnDef.header, header.getContext());
                  return (
                    <Table.Th
                      key={header.id}
                      aria-sort={ariaSort(sorted, sortable)}
                      style={{
                        textAlign: align,
                        verticalAlign: 'bottom',
                        minWidth: column.columnDef.meta?.minWidth,
                      }}
                    >
                      {sortable ? (
                        <UnstyledButton
                          onClick={() => toggle(column.id, column.columnDef.sortDescFirst === true)}
                          fw={700}
                          fz="sm"
                          style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}
                        >
                          {title}
                          <span aria-hidden="true" style={{ opacity: sorted ? 1 : 0.35 }}>
                            {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
                          </span>
                          <VisuallyHidden>
                            {sorted === 'asc'
                              ? ', sorted ascending'
                              : sorted === 'desc'
                                ? ', sorted descending'
                                : ', sortable'}
                          </VisuallyHidden>
                        </UnstyledButton>
                      ) : (
                        title
                      )}
                    </Table.Th>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Thead>
          <Table.Tbody>
            {loading
              ? Array.from({ length: loadingRows }, (_, i) => (
                  <Table.Tr key={`skeleton-${i}`}>
                    <Table.Td colSpan={columnCount}>
                      <Skeleton height={22} radius="sm" />
                    </Table.Td>
                  </Table.Tr>
                ))
              : table.getRowModel().rows.map((row) => (
                  <Table.Tr key={row.id}>
                    {row.getVisibleCells().map((cell) => (
                      <Table.Td
                        key={cell.id}
                        style={{ textAlign: cell.column.columnDef.meta?.align ?? 'left' }}
                      >
                        {flexRender(cell.column.columnDef.cell, cell.getContext())}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {pagination && !loading && (
        <Group justify="space-between" mt="sm">
          <Text size="sm" c="dimmed" aria-live="polite">
            {pagination.hasMore ? `Showing the first ${data.length}` : `Showing all ${data.length}`}
          </Text>
          {pagination.hasMore && (
            <Button
              variant="light"
              size="xs"
              loading={pagination.loadingMore}
              onClick={pagination.onLoadMore}
            >
              Load more
            </Button>
          )}
        </Group>
      )}
    </div>
  );
}
