// The web modules compiled into the app, in the order of the navigation and the home screen
// (the browser's counterpart of src/modules/modules.c). Importing a module's index.js
// registers it; whether it shows is decided at sign-in by the server's kazi.modules.
import './core/index.js';
import './crm/index.js';
import './tasks/index.js';
