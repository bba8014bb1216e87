import { standInPerfFile } from './stand-in.js';

standInPerfFile('rest');
