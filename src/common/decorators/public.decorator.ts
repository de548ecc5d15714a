import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'isPublic';

/** Opts a route out of the global access-token guard (health probes, sign-in). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
