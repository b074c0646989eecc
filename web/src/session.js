// The signed-in session as screens see it: the user, the company name, enabled modules, which
// REST methods exist, the language and theme, and sign-out. Provided once by app.js.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export const SessionContext = createContext(null);

export function useSession() {
    return useContext(SessionContext);
}
