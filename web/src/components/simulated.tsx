import { Alert, Badge } from '@mantine/core';

/** Shown on every page while a simulated (demo) integration exists: its data is not a real workspace. */
export function SimulatedBanner({ names }: { names: string[] }) {
  return (
    <Alert color="grape" variant="light" mb="md" title="Simulated workspace" role="note">
      {names.length === 1 ? `The integration “${names[0]}” reads` : `${names.length} integrations read`}{' '}
      TrustLens’s built-in simulated Mistral workspace, not a real one. Its agents, findings and usage are
      demo data.
    </Alert>
  );
}

export function SimulatedBadge() {
  return (
    <Badge color="grape" variant="light" title="Reads the built-in simulated workspace">
      simulated
    </Badge>
  );
}
