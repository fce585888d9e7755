import { Button, Center, Stack, Title } from '@mantine/core';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorAlert } from './error-alert';

/** A fault in the console itself shows what happened and a way out, never a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error('console fault', error, info.componentStack);
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <Center p="xl">
        <Stack maw={560}>
          <Title order={1} size="h2">
            The console ran into a problem
          </Title>
          <ErrorAlert error={this.state.error} title="This page could not be shown" />
          <Button variant="light" onClick={() => window.location.assign('/')}>
            Reload the console
          </Button>
        </Stack>
      </Center>
    );
  }
}
