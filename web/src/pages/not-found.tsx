import { Button } from '@mantine/core';
import { Link } from 'react-router';
import { Page } from '../components/page';
import { EmptyState } from '../components/states';

export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <EmptyState
        title="There is no page at this address."
        action={
          <Button component={Link} to="/">
            Go to the overview
          </Button>
        }
      >
        Check the address, or use the navigation.
      </EmptyState>
    </Page>
  );
}
