import { useNavigate } from 'react-router';
import { useSignOut } from '../api/mutations';
import type { SignInState } from './gate';

/** Signs out, then leaves for the sign-in page whatever the answer (the session is gone either way). */
export function useSignOutAndLeave(): () => void {
  const navigate = useNavigate();
  const signOutMutation = useSignOut();
  return () =>
    signOutMutation.mutate(undefined, {
      onSettled: () => {
        const state: SignInState = { reason: 'signed-out' };
        void navigate('/sign-in', { replace: true, state });
      },
    });
}
