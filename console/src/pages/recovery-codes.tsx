/** Issue 10: the authenticator's QR code and its single-use recovery codes, on the Security tab. */
import { Alert, Button, Code, CopyButton, Group, Image, SimpleGrid, Stack, Text } from '@mantine/core';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/** The otpauth link as a QR code, drawn in the browser: the secret goes to no other service. */
export function OtpauthQrCode({ url }: { url: string }) {
  const [image, setImage] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(url, { margin: 2, width: 220, errorCorrectionLevel: 'M' })
      .then((data) => live && setImage(data))
      .catch(() => live && setImage(null));
    return () => {
      live = false;
    };
  }, [url]);
  if (image === null) return null;
  return <Image src={image} w={220} h={220} alt="QR code to scan with your authenticator app" />;
}

/** Codes shown once: the person saves them now or makes new ones later. */
export function RecoveryCodeList({ codes }: { codes: string[] }) {
  return (
    <Stack gap="xs">
      <Alert color="orange" variant="light" title="Save your recovery codes now">
        They are shown only now. Each one signs you in once instead of a code from the app, if you lose your phone.
      </Alert>
      <SimpleGrid cols={2} spacing={4} maw={320} component="ul" aria-label="Recovery codes" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {codes.map((code) => (
          <li key={code}>
            <Code fz="sm">{code}</Code>
          </li>
        ))}
      </SimpleGrid>
      <Group>
        <CopyButton value={codes.join('\n')} timeout={2000}>
          {({ copied, copy }) => (
            <Button size="xs" variant="light" color={copied ? 'teal' : 'blue'} onClick={copy}>
              {copied ? 'Recovery codes copied' : 'Copy recovery codes'}
            </Button>
          )}
        </CopyButton>
      </Group>
    </Stack>
  );
}

export function RecoveryCodesLeft({ remaining }: { remaining: number | undefined }) {
  if (remaining === undefined) return null;
  return (
    <Text size="sm" c={remaining <= 2 ? 'orange' : undefined}>
      Recovery codes left: <strong>{remaining}</strong> of 10.{remaining <= 2 && ' Make new ones before you run out.'}
    </Text>
  );
}
