import { sendLimitAcrossInstances } from '../suites/send-limit.suite.js';

sendLimitAcrossInstances();
