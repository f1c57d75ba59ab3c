/**
 * What the page does before anything else is evaluated (main.tsx imports it first, so it
 * runs ahead of React and the app in the one script): a token in the link goes into the
 * keyring, and the client for the route's dashboard is made and starts loading it
 * (`startBootClient`, app-client.ts).
 */
import { startBootClient } from './app-client';
import { takeTokenFromUrl } from './keyring';

takeTokenFromUrl();
startBootClient();
