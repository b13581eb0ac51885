import { MantineProvider } from '@mantine/core';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataTable, type ColumnDef, type TableSort } from './data-table';

interface Row {
  id: string;
  name: string;
  runs: number;
}

const columns: ColumnDef<Row>[] = [
  { id: 'name', header: 'Name', enableSorting: true, cell: ({ row }) => row.original.name },
  {
    id: 'runs',
    header: 'Runs',
    enableSorting: true,
    sortDescFirst: true,
    meta: { align: 'right' },
    cell: ({ row }) => row.original.runs,
  },
  { id: 'note', header: 'Note', cell: () => 'x' },
];

const rows: Row[] = [
  { id: 'a', name: '<b>alpha</b>', runs: 3 },
  { id: 'b', name: 'beta', runs: 1 },
];

function renderTable(props: Partial<Parameters<typeof DataTable<Row>>[0]> = {}) {
  return render(
    <MantineProvider>
      <DataTable<Row>
        label="Things"
        columns={columns}
        data={rows}
        getRowId={(r) => r.id}
        sort={{ id: 'name', desc: false }}
        onSortChange={() => {}}
        {...props}
      />
    </MantineProvider>,
  );
}

afterEach(cleanup);

describe('DataTable', () => {
  it('names the table, renders untrusted text as text and marks the sorted column', () => {
    renderTable();
    const table = screen.getByRole('table', { name: 'Things' });
    expect(within(table).getByText('<b>alpha</b>')).toBeTruthy();
    expect(table.querySelector('b')).toBeNull();
    const headers = within(table).getAllByRole('columnheader');
    expect(headers.map((h) => h.getAttribute('aria-sort'))).toEqual(['ascending', 'none', null]);
    // Only sortable columns have a button.
    expect(within(headers[2]).queryByRole('button')).toBeNull();
  });

  it('asks the server for a new order: the sorted column reverses, another starts at its first direction', () => {
    const onSortChange = vi.fn<(s: TableSort) => void>();
    renderTable({ onSortChange });
    fireEvent.click(screen.getByRole('button', { name: /^Name/ }));
    expect(onSortChange).toHaveBeenLastCalledWith({ id: 'name', desc: true });
    fireEvent.click(screen.getByRole('button', { name: /^Runs/ }));
    expect(onSortChange).toHaveBeenLastCalledWith({ id: 'runs', desc: true });
  });

  it('shows skeleton rows while loading, the empty state when there is nothing, and Load more', () => {
    const { unmount } = renderTable({ loading: true, data: [] });
    const table = screen.getByRole('table', { name: 'Things' });
    expect(table.getAttribute('aria-busy')).toBe('true');
    expect(within(table).getAllByRole('row')).toHaveLength(9);
    unmount();

    const r2 = renderTable({ data: [], empty: <p>Nothing here</p> });
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.getByText('Nothing here')).toBeTruthy();
    r2.unmount();

    const onLoadMore = vi.fn();
    renderTable({ pagination: { hasMore: true, loadingMore: false, onLoadMore } });
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(onLoadMore).toHaveBeenCalledTimes(1);
    expect(screen.getByText('Showing the first 2')).toBeTruthy();
  });
});
