namespace App.Features;

public sealed class Beta;
