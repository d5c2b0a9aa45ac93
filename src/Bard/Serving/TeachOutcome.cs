using Bard.Data;

namespace Bard.Serving;

/// <summary>What <see cref="LlmTeacher.TeachAsync"/> got for one problem.</summary>
/// <param name="Trace">The first verified-correct trace, or null when no sample was correct.</param>
/// <param name="Samples">Samples drawn.</param>
/// <param name="Usage">Tokens the samples cost.</param>
/// <param name="Why">When <paramref name="Trace"/> is null: why no sample was kept.</param>
public sealed record TeachOutcome(TeacherTrace? Trace, int Samples, ChatUsage Usage, string? Why);
