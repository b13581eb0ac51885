import { Group, Stack, Text, Title } from '@mantine/core';
import { useEffect, type ReactNode } from 'react';
import { revealText } from '../lib/untrusted-text';
import { UntrustedText } from './untrusted-text';

/** Past this length a title is likely cut by its three lines: the full text goes in a tooltip. */
const LONG_TITLE = 80;

/** A page's title (also the document title), an optional description and actions on the right. */
export function Page({
  title,
  description,
  actions,
  children,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  useEffect(() => {
    // A bidi override in an agent's name would otherwise reorder the browser tab's title.
    document.title = `${revealText(title)} · TrustLens`;
  }, [title]);
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4} style={{ flex: '1 1 20rem', minWidth: 0 }}>
          {/* Titles can be workspace data (an agent's name, up to thousands of characters): they wrap
              anywhere and stop at three lines, the whole of a long one in the tooltip. */}
          <Title
            order={1}
            size="h2"
            className="tl-wrap"
            lineClamp={3}
            title={title.length > LONG_TITLE ? revealText(title) : undefined}
          >
            <UntrustedText text={title} />
          </Title>
          {description && (
            <Text c="dimmed" size="sm">
              {description}
            </Text>
          )}
        </Stack>
        {actions && <Group gap="xs">{actions}</Group>}
      </Group>
      {children}
    </Stack>
  );
}
