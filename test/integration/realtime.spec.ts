import { realTimeAcrossInstances } from '../suites/realtime.suite.js';

realTimeAcrossInstances();
