/** The workbench page: the theme, then the app shell (which loads Monaco and the rest lazily). */
import { theme } from './styles/theme.js';
import './components/kohort-app/kohort-app.js';

const sheet = theme.styleSheet;
if (sheet) document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
