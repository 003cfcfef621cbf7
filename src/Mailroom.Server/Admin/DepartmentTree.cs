using Mailroom.Server.Directory;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Admin;

/// <summary>An enterprise's departments as a tree; the root is the enterprise itself.</summary>
internal sealed class DepartmentTree
{
    private DepartmentTree(IReadOnlyList<DepartmentTreeNode> children, long rootMembers, IReadOnlyList<DepartmentTreeNode> all)
    {
        Children = children;
        RootMembers = rootMembers;
        All = all;
    }

    /// <summary>The departments directly below the root, sorted by name.</summary>
    public IReadOnlyList<DepartmentTreeNode> Children { get; }

    /// <summary>Members in no department.</summary>
    public long RootMembers { get; }

    /// <summary>Every department, depth first, in display order.</summary>
    public IReadOnlyList<DepartmentTreeNode> All { get; }

    public static DepartmentTree Build(IReadOnlyList<DepartmentNode> departments, long rootMembers)
    {
        ArgumentNullException.ThrowIfNull(departments);
        var byParent = departments.ToLookup(d => d.ParentId);
        var all = new List<DepartmentTreeNode>(departments.Count);

        List<DepartmentTreeNode> ChildrenOf(long parentId, string parentPath, int depth) =>
        [
            .. byParent[parentId]
                .OrderBy(d => d.Name, DirectoryRules.NameOrder)
                .Select(d =>
                {
                    var path = parentPath.Length == 0 ? d.Name : parentPath + "/" + d.Name;
                    var node = new DepartmentTreeNode(d.Name, path, depth, d.Members);
                    all.Add(node);

                    // A tree is at most five levels deep (PROTOCOL.md §6.5): the recursion is shallow.
                    node.Children = ChildrenOf(d.Id, path, depth + 1);
                    return node;
                }),
        ];

        var children = ChildrenOf(0, "", 1);
        return new DepartmentTree(children, rootMembers, all);
    }
}

/// <summary>A department in the tree: its name, full path (root excluded), depth (1 = below the root) and members.</summary>
internal sealed class DepartmentTreeNode(string name, string path, int depth, long members)
{
    public string Name { get; } = name;

    public string Path { get; } = path;

    public int Depth { get; } = depth;

    public long Members { get; } = members;

    public IReadOnlyList<DepartmentTreeNode> Children { get; set; } = [];
}
