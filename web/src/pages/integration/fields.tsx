/**
 * The integration form's fields, shared by the create page and the settings form: the Mistral region
 * (or a custom base URL), the sync interval, and the API key (a password field, never prefilled,
 * never autocompleted, never named so it can never end up in a URL).
 */
import { PasswordInput, Select, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import { intervalOptions, REGION_OPTIONS, type RegionChoice } from './helpers';

export function BaseUrlFields({
  region,
  customUrl,
  onRegion,
  onCustomUrl,
  error,
  customError,
  disabled,
}: {
  region: RegionChoice;
  customUrl: string;
  onRegion: (r: RegionChoice) => void;
  onCustomUrl: (v: string) => void;
  /** About the address as a whole (unreachable, not the Mistral API), shown under the field in use. */
  error?: ReactNode;
  /** About the custom URL as typed. */
  customError?: ReactNode;
  disabled?: boolean;
}) {
  return (
    <>
      <Select
        label="Region"
        description="The Mistral API server this workspace is on."
        data={REGION_OPTIONS}
        value={region}
        onChange={(v) => v && onRegion(v as RegionChoice)}
        allowDeselect={false}
        disabled={disabled}
        error={region === 'custom' ? undefined : error}
      />
      {region === 'custom' && (
        <TextInput
          label="Custom base URL"
          description="A full https URL (a path prefix is allowed; plain http only for localhost)."
          placeholder="https://api.mistral.ai"
          value={customUrl}
          onChange={(e) => onCustomUrl(e.currentTarget.value)}
          error={customError ?? error}
          disabled={disabled}
          required
          autoComplete="off"
          spellCheck={false}
          classNames={{ error: 'tl-wrap' }}
        />
      )}
    </>
  );
}

export function IntervalSelect({
  value,
  onChange,
  current,
  error,
  disabled,
}: {
  value: number;
  onChange: (minutes: number) => void;
  /** The stored interval, offered even when it is not one of the presets. */
  current?: number;
  error?: ReactNode;
  disabled?: boolean;
}) {
  return (
    <Select
      label="Sync interval"
      description="How often TrustLens reads the workspace on its own (15 minutes to 7 days)."
      data={intervalOptions(current ?? value)}
      value={String(value)}
      onChange={(v) => v && onChange(Number(v))}
      allowDeselect={false}
      disabled={disabled}
      error={error}
    />
  );
}

export function ApiKeyInput({
  label = 'API key',
  description,
  value,
  onChange,
  error,
  disabled,
  required = true,
}: {
  label?: string;
  description?: ReactNode;
  value: string;
  onChange: (v: string) => void;
  error?: ReactNode;
  disabled?: boolean;
  required?: boolean;
}) {
  return (
    <PasswordInput
      label={label}
      description={description}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error}
      // Mantine's PasswordInput marks the error visually only; say it to assistive technology too.
      aria-invalid={error ? true : undefined}
      disabled={disabled}
      required={required}
      autoComplete="off"
      spellCheck={false}
      data-1p-ignore
      data-lpignore="true"
      classNames={{ error: 'tl-wrap' }}
    />
  );
}
