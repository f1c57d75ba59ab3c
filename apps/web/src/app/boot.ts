/**
 * What the page does before anything else is evaluated (main.tsx imports it first, so it
 * runs ahead of React and the app in the one script): a token in the link goes into the
 * keyring and the first dashboard's read goes out (early-fetch.ts).
 */
import { startEarlyFetch } from './early-fetch';
import { takeTokenFromUrl } from './keyring';

takeTokenFromUrl();
startEarlyFetch();
