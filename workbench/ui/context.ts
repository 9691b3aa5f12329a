import { createContext } from '@lit/context';
import type { ApiClient } from './api/client.js';

/** The server API, provided by the app shell to every component that talks to the server. */
export const apiContext = createContext<ApiClient>(Symbol('kohort-api'));
