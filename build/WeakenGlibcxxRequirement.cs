using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Marks the GLIBCXX_3.4.32 version requirement of an ELF64 shared library weak, in place, when the
/// system libstdc++ does not define that version. Reads only within the file's bounds.
/// </summary>
public class WeakenGlibcxxRequirement : Task
{
    const string SafeToWeaken = "GLIBCXX_3.4.32";
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    [Required]
    public ITaskItem[] Files { get; set; }

    public override bool Execute()
    {
        var provided = SystemLibstdcxxVersions(out string systemLib);
        foreach (var item in Files)
        {
            string path = item.ItemSpec;
            try
            {
                Patch(path, provided, systemLib);
            }
            catch (Exception e)
            {
                Log.LogWarning("Bard: could not inspect {0} for GLIBCXX requirements: {1}", path, e.Message);
            }
        }
        return !Log.HasLoggedErrors;
    }

    void Patch(string path, HashSet<string> provided, string systemLib)
    {
        byte[] b = File.ReadAllBytes(path);
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F' || b[4] != 2 || b[5] != 1)
            return; // not a little-endian ELF64 file: nothing to do
        ulong shoff = BitConverter.ToUInt64(b, 0x28);
        int shentsize = BitConverter.ToUInt16(b, 0x3A);
        int shnum = BitConverter.ToUInt16(b, 0x3C);
        if (shentsize < 64 || shoff + (ulong)shnum * (ulong)shentsize > (ulong)b.Length)
            throw new InvalidDataException("section headers lie outside the file");
        bool changed = false;
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (BitConverter.ToUInt32(b, sh + 4) != ShtGnuVerneed) continue;
            long off = (long)BitConverter.ToUInt64(b, sh + 24);
            int link = (int)BitConverter.ToUInt32(b, sh + 40);
            int count = (int)BitConverter.ToUInt32(b, sh + 44);
            int strSh = checked((int)shoff + link * shentsize);
            long strOff = (long)BitConverter.ToUInt64(b, strSh + 24);
            long vn = off;
            for (int n = 0; n < count; n++)
            {
                Check(b, vn, 16);
                string file = CString(b, strOff + BitConverter.ToUInt32(b, (int)vn + 4));
                int cnt = BitConverter.ToUInt16(b, (int)vn + 2);
                long aux = vn + BitConverter.ToUInt32(b, (int)vn + 8);
                for (int a = 0; a < cnt; a++)
                {
                    Check(b, aux, 16);
                    string name = CString(b, strOff + BitConverter.ToUInt32(b, (int)aux + 8));
                    ushort flags = BitConverter.ToUInt16(b, (int)aux + 4);
                    bool missing = file.StartsWith("libstdc++", StringComparison.Ordinal) && provided != null && !provided.Contains(name);
                    if (missing && name == SafeToWeaken && (flags & VerFlgWeak) == 0)
                    {
                        BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(b, (int)aux + 4);
                        changed = true;
                    }
                    else if (missing && name != SafeToWeaken && (flags & VerFlgWeak) == 0)
                    {
                        Log.LogWarning("Bard: {0} needs {1} from {2}, which {3} lacks; it will probably not load. Install a newer libstdc++.", Path.GetFileName(path), name, file, systemLib);
                    }
                    uint next = BitConverter.ToUInt32(b, (int)aux + 12);
                    if (next == 0) break;
                    aux += next;
                }
                uint vnNext = BitConverter.ToUInt32(b, (int)vn + 12);
                if (vnNext == 0) break;
                vn += vnNext;
            }
        }
        if (changed)
        {
            // Write to a temporary file first so that an interrupted build never leaves a half-written library.
            string tmp = path + ".weaken.tmp";
            File.WriteAllBytes(tmp, b);
            File.Copy(tmp, path, true);
            File.Delete(tmp);
            Log.LogMessage(MessageImportance.High, "Bard: marked {0} weak in {1} ({2} lacks it)", SafeToWeaken, path, systemLib);
        }
    }

    static void Check(byte[] b, long off, int len)
    {
        if (off < 0 || off + len > b.Length) throw new InvalidDataException("version section points outside the file");
    }

    static string CString(byte[] b, long off)
    {
        Check(b, off, 1);
        int end = (int)off;
        while (end < b.Length && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, (int)off, end - (int)off);
    }

    /// <summary>The GLIBCXX_* / CXXABI_* version names the system libstdc++.so.6 defines, or null if none is found.</summary>
    static HashSet<string> SystemLibstdcxxVersions(out string where)
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        };
        foreach (var c in candidates)
        {
            if (!File.Exists(c)) continue;
            where = c;
            var text = Encoding.ASCII.GetString(File.ReadAllBytes(c));
            var set = new HashSet<string>();
            foreach (var prefix in new[] { "GLIBCXX_", "CXXABI_" })
            {
                int i = 0;
                while ((i = text.IndexOf(prefix, i, StringComparison.Ordinal)) >= 0)
                {
                    int end = i;
                    while (end < text.Length && text[end] != '\0') end++;
                    set.Add(text.Substring(i, end - i));
                    i = end;
                }
            }
            return set;
        }
        where = "the system";
        return null;
    }
}
