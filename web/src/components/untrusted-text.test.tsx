import { MantineProvider } from '@mantine/core';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Page } from './page';
import { clampChars, CUT_TAIL_CHARS, UntrustedText } from './untrusted-text';

afterEach(cleanup);

const show = (node: React.ReactNode) => render(<MantineProvider>{node}</MantineProvider>);

describe('UntrustedText', () => {
  it('shows a right-to-left override as a marker and never puts the character in the page', () => {
    const { container } = show(
      <p>
        File: <UntrustedText text={'invoice_\u202Etxt.exe'} />
      </p>,
    );
    const marker = container.querySelector('.tl-invisible')!;
    expect(marker.textContent).toBe('⟨U+202E⟩');
    expect(marker.getAttribute('data-codepoint')).toBe('U+202E');
    expect(marker.getAttribute('title')).toMatch(/^U\+202E RIGHT-TO-LEFT OVERRIDE: a bidirectional control/);
    expect(marker.classList.contains('tl-invisible-bidi')).toBe(true);
    expect(container.querySelector('p')!.textContent).toBe('File: invoice_⟨U+202E⟩txt.exe');
    expect(container.innerHTML).not.toContain('\u202E');
    expect(screen.getByRole('img', { name: /RIGHT-TO-LEFT OVERRIDE/ })).toBeTruthy();
  });

  it('isolates the text from its neighbours (dir auto, the isolating class)', () => {
    const { container } = show(<UntrustedText text={'\u05E9\u05DC\u05D5\u05DD (Hebrew)'} />);
    const span = container.querySelector('[data-untrusted]')!;
    expect(span.getAttribute('dir')).toBe('auto');
    expect(span.classList.contains('tl-untrusted')).toBe(true);
    expect(span.textContent).toBe('\u05E9\u05DC\u05D5\u05DD (Hebrew)');
  });

  it('renders markup, controls and zero-width characters as text and markers, nothing as HTML', () => {
    const { container } = show(
      <UntrustedText text={'<img src=x onerror=alert(1)>\u0000\u001b[31m zero\u200Bwidth\uFEFF'} />,
    );
    expect(container.querySelector('img')).toBeNull();
    expect([...container.querySelectorAll('.tl-invisible')].map((m) => m.textContent)).toEqual([
      '⟨U+0000⟩',
      '⟨U+001B⟩',
      '⟨U+200B⟩',
      '⟨U+FEFF⟩',
    ]);
    expect(container.querySelectorAll('.tl-invisible-control')).toHaveLength(2);
    expect(container.querySelectorAll('.tl-invisible-zero-width')).toHaveLength(2);
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>');
    // No raw control, bidi or zero-width character reaches the DOM.
    // eslint-disable-next-line no-control-regex
    expect(/[\u0000-\u0008\u000b-\u001f\u200b\ufeff]/.test(container.textContent ?? '')).toBe(false);
  });

  it('clamps to `lines`, shows the fallback for no text, and ordinary text is untouched', () => {
    const long = 'A'.repeat(12_000);
    const { container, rerender } = show(<UntrustedText text={long} lines={2} />);
    const span = container.querySelector('[data-untrusted]') as HTMLElement;
    expect(span.classList.contains('tl-clamp')).toBe(true);
    expect(span.style.getPropertyValue('--tl-lines')).toBe('2');
    // Only what two lines can show reaches the DOM (laying out 12,000 characters that wrap anywhere
    // costs Chromium ~1 s per cell): the head, a marked "…", the last CUT_TAIL_CHARS characters.
    expect(span.textContent).toBe(
      'A'.repeat(clampChars(2) - CUT_TAIL_CHARS) + '…' + 'A'.repeat(CUT_TAIL_CHARS),
    );
    expect(span.getAttribute('data-cut')).toBe('12000');
    const mark = span.querySelector('.tl-cut')!;
    expect(mark.getAttribute('aria-label')).toBe('11,600 characters left out');
    expect(mark.getAttribute('title')).toBe('11,600 of 12,000 characters left out here');
    rerender(
      <MantineProvider>
        <UntrustedText text={null} fallback="(unnamed agent)" />
      </MantineProvider>,
    );
    expect(container.querySelector('.tl-untrusted')).toBeNull();
    expect(container.textContent).toContain('(unnamed agent)');
    expect(container.querySelector('[data-untrusted]')).toBeNull();
    rerender(
      <MantineProvider>
        <UntrustedText text="Support triage" />
      </MantineProvider>,
    );
    expect(container.querySelector('.tl-invisible')).toBeNull();
    expect(container.querySelector('[data-untrusted]')!.textContent).toBe('Support triage');
    expect(container.querySelector('[data-untrusted]')!.hasAttribute('data-cut')).toBe(false);
  });

  it('maxChars cuts a text its parent clamps: head and tail, never inside a surrogate pair, markers kept', () => {
    // A "😀" (two UTF-16 units) straddling the head's end is dropped whole, not split into a lone surrogate.
    const text = 'A'.repeat(3) + '😀' + 'B'.repeat(10);
    const { container } = show(<UntrustedText text={text} maxChars={5} />);
    const span = container.querySelector('[data-untrusted]') as HTMLElement;
    expect(span.textContent).toBe('AAA…B');
    expect(span.getAttribute('data-cut')).toBe(String(text.length));
    expect(span.classList.contains('tl-clamp')).toBe(false);
    cleanup();
    // …nor at the tail's start: a low surrogate there goes with its pair.
    const { container: c1 } = show(<UntrustedText text={'A'.repeat(10) + '😀' + 'B'} maxChars={8} />);
    expect(c1.querySelector('[data-untrusted]')!.textContent).toBe('AAAAAA…B');
    cleanup();
    // What is kept is still revealed: a bidi override before the cut is a marker.
    const { container: c2 } = show(<UntrustedText text={'\u202Eabc' + 'x'.repeat(50)} maxChars={10} />);
    expect(c2.querySelector('.tl-invisible')?.textContent).toBe('⟨U+202E⟩');
    expect(c2.querySelector('[data-untrusted]')!.textContent).toBe('⟨U+202E⟩abcxxxx…xx');
    cleanup();
    // A name padded with what draws nothing cannot hide its end: the tail stays in view.
    const padded = 'report.pdf' + ' '.repeat(3000) + '.exe';
    const { container: c4 } = show(<UntrustedText text={padded} maxChars={clampChars(3)} />);
    expect(c4.querySelector('[data-untrusted]')!.textContent!.endsWith('.exe')).toBe(true);
    expect(c4.querySelector('[data-untrusted]')!.textContent!.startsWith('report.pdf')).toBe(true);
    // Not longer than maxChars: whole, no "…".
    cleanup();
    const { container: c3 } = show(<UntrustedText text="short" maxChars={5} />);
    expect(c3.querySelector('[data-untrusted]')!.textContent).toBe('short');
    expect(c3.querySelector('.tl-cut')).toBeNull();
  });

  it("a page titled with an agent's name: markers in the heading, the document title revealed", () => {
    const { container } = show(
      <Page title={'invoice_\u202Etxt.exe'}>
        <p>body</p>
      </Page>,
    );
    const h1 = container.querySelector('h1')!;
    expect(h1.textContent).toBe('invoice_⟨U+202E⟩txt.exe');
    expect(h1.querySelector('.tl-invisible')).not.toBeNull();
    expect(document.title).toBe('invoice_⟨U+202E⟩txt.exe · TrustLens');
  });
});
