import { Anchor, type CSSVariablesResolver, Drawer, MantineProvider, Modal, TableScrollContainer, createTheme } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy } from 'react';
import { createBrowserRouter, createRoutesFromElements, Navigate, Outlet, Route, RouterProvider } from 'react-router';
import { ApiError } from './api/client';
import { useSession } from './api/queries';
import { AppLayout } from './layout/app-layout';
import { ChangePasswordPage } from './pages/change-password';
import { NotFoundPage } from './pages/not-found';
import { NotificationsPage } from './pages/notifications-page';
import { PersonalSettingsPage } from './pages/personal-settings';
import { ForgotPasswordPage, ResetPasswordPage } from './pages/password-recovery';
import { SignInPage } from './pages/sign-in';
import { ApiHooksInstaller, RequireAdmin, RequireSession } from './session/gate';
import { StepUpProvider } from './session/step-up';
import { ErrorBoundary } from './ui/error-boundary';

const UsersAndKeysPage = lazy(() => import('./admin/users-and-keys').then((m) => ({ default: m.UsersAndKeysPage })));
const UserDetailsPage = lazy(() => import('./admin/user-details').then((m) => ({ default: m.UserDetailsPage })));
const RolesPage = lazy(() => import('./admin/roles-page').then((m) => ({ default: m.RolesPage })));
const IdentitiesPage = lazy(() => import('./admin/identities-page').then((m) => ({ default: m.IdentitiesPage })));
const GroupsPage = lazy(() => import('./admin/groups-page').then((m) => ({ default: m.GroupsPage })));
const PolicyPage = lazy(() => import('./admin/policy-page').then((m) => ({ default: m.PolicyPage })));
const UsagePage = lazy(() => import('./usage/usage-page').then((m) => ({ default: m.UsagePage })));
const AuditPage = lazy(() => import('./admin/audit-page').then((m) => ({ default: m.AuditPage })));

/** The page's CSP nonce, put in index.html by the server, so the style tags we inject are allowed. */
function styleNonce(): string | undefined {
  const value = document.querySelector('meta[name="csp-nonce"]')?.getAttribute('content');
  return value && value !== '__CSP_NONCE__' ? value : undefined;
}

declare global {
  // Read by get-nonce, through which react-remove-scroll (Mantine's modal scroll lock) signs its style tag.
  var __webpack_nonce__: string | undefined;
}
globalThis.__webpack_nonce__ = styleNonce();

const theme = createTheme({
  primaryColor: 'blue',
  // Shade 8: white button text on it has a contrast of 4.96:1 (WCAG AA asks 4.5:1; Mantine's default shade 6 gives 3.6:1).
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'md',
  // People who ask their system for less motion get no transitions.
  respectReducedMotion: true,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  components: {
    // Mantine's close buttons are icons only: give them a name screen readers can say.
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close panel' } } }),
    // A link inside a sentence must not be told apart by its colour alone.
    Anchor: Anchor.extend({ defaultProps: { underline: 'always' } }),
    // A table wider than the screen scrolls sideways: its scrolling area takes keyboard focus, so arrow keys reach the hidden columns.
    TableScrollContainer: TableScrollContainer.extend({ defaultProps: { scrollAreaProps: { viewportProps: { tabIndex: 0 } } } }),
  },
});

/**
 * Text dark enough to read (WCAG AA, 4.5:1): secondary ("dimmed") text 6.0:1 on white and 5.7:1 on
 * striped rows (Mantine's gray 6 gives 3.3:1); the text of light badges and alerts 5.9–6.7:1 on
 * their tinted backgrounds where Mantine's own fall to 2.8–4.0:1 (green, yellow, orange, lime, teal, red).
 */
const readableText: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': '#5c636a',
    '--mantine-color-green-light-color': '#1f6b2f',
    '--mantine-color-yellow-light-color': '#7a4f00',
    '--mantine-color-orange-light-color': '#a63a08',
    '--mantine-color-lime-light-color': '#3f6608',
    '--mantine-color-teal-light-color': '#066649',
    '--mantine-color-red-light-color': '#b02525',
  },
  dark: {},
});

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not change by asking again; a network blip or 5xx might.
      retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: true,
    },
  },
});

function Landing() {
  const me = useSession();
  return <Navigate to={me.user.role === 'admin' ? '/access/users-and-keys/users' : '/settings/access-keys'} replace />;
}

const admin = (page: React.ReactNode) => <RequireAdmin>{page}</RequireAdmin>;

/**
 * The page around every route: the error boundary, step-up dialogs and the API client's hooks.
 * A data router (not <BrowserRouter>), so a page with unsaved changes can hold navigation
 * (useBlocker, the policy page).
 */
function Root() {
  return (
    <ErrorBoundary>
      <StepUpProvider>
        <ApiHooksInstaller />
        <Outlet />
      </StepUpProvider>
    </ErrorBoundary>
  );
}

const router = createBrowserRouter(
  createRoutesFromElements(
    <Route element={<Root />}>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/forgot-password" element={<ForgotPasswordPage />} />
      <Route path="/reset-password" element={<ResetPasswordPage />} />
      <Route element={<RequireSession />}>
        <Route path="/change-password" element={<ChangePasswordPage />} />
        <Route element={<AppLayout />}>
          <Route index element={<Landing />} />
          <Route path="/settings" element={<Navigate to="/settings/access-keys" replace />} />
          <Route path="/settings/:tab" element={<PersonalSettingsPage />} />
          <Route path="/notifications" element={<NotificationsPage />} />
          <Route path="/access" element={<Navigate to="/access/users-and-keys/users" replace />} />
          <Route path="/access/users-and-keys" element={<Navigate to="/access/users-and-keys/users" replace />} />
          <Route path="/access/users-and-keys/:tab" element={admin(<UsersAndKeysPage />)} />
          <Route path="/access/users/:userId" element={admin(<UserDetailsPage />)} />
          <Route path="/access/users/:userId/:tab" element={admin(<UserDetailsPage />)} />
          <Route path="/access/roles" element={admin(<RolesPage />)} />
          <Route path="/access/groups" element={admin(<GroupsPage />)} />
          <Route path="/access/identities" element={admin(<IdentitiesPage />)} />
          <Route path="/policy" element={admin(<PolicyPage />)} />
          <Route path="/usage" element={admin(<UsagePage />)} />
          <Route path="/audit" element={admin(<AuditPage />)} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Route>,
  ),
);

export function App() {
  const nonce = styleNonce();
  return (
    <MantineProvider theme={theme} cssVariablesResolver={readableText} {...(nonce && { getStyleNonce: () => nonce })}>
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  );
}
