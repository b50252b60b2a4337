import { z } from 'zod';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .transform((v) => new Date(`${v}T00:00:00Z`))
  .optional()
  .catch(undefined);

export const auditFilterSchema = z.object({
  action: z.string().trim().max(100).optional().catch(undefined),
  actor: z.string().trim().max(200).optional().catch(undefined),
  subjectType: z.string().trim().max(50).optional().catch(undefined),
  from: day,
  to: day.transform((d) => (d ? new Date(d.getTime() + 86_400_000) : undefined)),
});
