import { ActionIcon, CopyButton, TextInput, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

/**
 * Mono values (IDs, secrets, tokens) are read and retyped: the font must draw every character,
 * the underscore too. Mantine's inputs set the line height to the whole field height (34 px for
 * 14 px text), which leaves where the glyphs sit to each font's metrics; a normal line height
 * with padding keeps the font's descent (where `_` is drawn) inside the line box, whatever the font.
 */
const MONO_INPUT = {
  fontFamily: '"DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, "Courier New", monospace',
  fontSize: 14,
  lineHeight: 1.5,
  paddingTop: 6,
  paddingBottom: 6,
  fontVariantLigatures: 'none',
} as const;

/** A read-only value with a copy button whose accessible name says what it copies. */
export function CopyField({ label, value, description, mono = true, copyLabel }: { label: string; value: string; description?: string; mono?: boolean; copyLabel?: string }) {
  return (
    <TextInput
      label={label}
      description={description}
      value={value}
      readOnly
      onFocus={(e) => e.currentTarget.select()}
      styles={mono ? { input: MONO_INPUT } : undefined}
      rightSection={<CopyAction label={label} value={value} {...(copyLabel !== undefined && { copyLabel })} />}
    />
  );
}

/** `copyLabel` names the button when "Copy <label>" would not read well (a field called "Copy text"). */
export function CopyAction({ label, value, copyLabel = `Copy ${label}` }: { label: string; value: string; copyLabel?: string }) {
  return (
    <CopyButton value={value} timeout={2000}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : copyLabel} withArrow position="left">
          <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={copied ? `${label} copied` : copyLabel}>
            {copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}
