// Every test file starts from empty tables and an empty Redis database.
import { resetState } from './test-app.js';

beforeAll(() => resetState());
