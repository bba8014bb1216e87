import { standInPerfFile } from './stand-in.js';

standInPerfFile('graphql');
