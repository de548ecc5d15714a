import { rateLimitsAcrossInstances } from '../suites/rate-limits.suite.js';

rateLimitsAcrossInstances();
